<?php
// front page
