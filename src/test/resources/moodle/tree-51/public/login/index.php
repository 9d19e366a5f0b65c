<?php
// login page
