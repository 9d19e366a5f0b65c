<?php
defined('MOODLE_INTERNAL') || die();
$plugin->component = 'tool_dataprivacy';
$plugin->version   = 2024100700;
$plugin->requires  = 2024100100;
