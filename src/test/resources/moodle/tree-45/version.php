<?php
// Hand-written sample in the shape of Moodle core's version.php (not copied from Moodle).

defined('MOODLE_INTERNAL') || die();

$version  = 2024100706.00;              // 20241007      = branching date YYYYMMDD - do not modify!
                                        //         RR    = release increments - 00 in DEV branches.
                                        //           .XX = incremental changes.
$release  = '4.5.6 (Build: 20250811)';  // Human-friendly version name
$branch   = '405';                      // This version's branch.
$maturity = MATURITY_STABLE;            // This version's maturity level.
