<?php
defined('MOODLE_INTERNAL') || die();
$plugin->version   = 2023042400;
$plugin->requires  = 2022112800;
$plugin->component = "block_legacy";
$plugin->dependencies = array('mod_quiz' => 2022112800,);
