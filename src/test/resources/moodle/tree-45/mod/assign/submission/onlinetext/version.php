<?php
defined('MOODLE_INTERNAL') || die();
$plugin->component = 'assignsubmission_onlinetext';
$plugin->version   = 2024100700;
$plugin->requires  = 2024100100;
