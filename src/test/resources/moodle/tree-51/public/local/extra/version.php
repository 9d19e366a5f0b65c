<?php
defined('MOODLE_INTERNAL') || die();
$plugin->component = 'local_extra';
$plugin->version   = 2025010100;
$plugin->requires  = 2024100100;
