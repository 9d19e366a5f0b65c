<?php
// Hand-written add-on version.php with every field Moodle reads.
defined('MOODLE_INTERNAL') || die();

$plugin->component    = 'local_reports';      // Full name of the plugin.
$plugin->version      = 2024111200;           // YYYYMMDDXX
$plugin->requires     = 2024100700;           // Moodle 4.5
$plugin->maturity     = MATURITY_RC;
$plugin->release      = 'v2.3.1';
$plugin->dependencies = [
    'mod_forum' => 2024100700,
    'local_y'   => ANY_VERSION,   // any version will do
];
$plugin->supported    = [404, 405];
$plugin->incompatible = 406;
