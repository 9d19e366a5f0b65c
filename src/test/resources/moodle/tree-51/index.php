<?php
// redirects to public/
