<?php
defined('MOODLE_INTERNAL') || die();
$plugin->component = 'mod_assign';
$plugin->version   = 2024100700;
$plugin->requires  = 2024100100;
