<?php
defined('MOODLE_INTERNAL') || die();
$plugin->component = 'mod_forum';
$plugin->version   = 2025100600;
$plugin->requires  = 2024100100;
