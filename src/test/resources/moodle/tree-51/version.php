<?php
$version  = 2025100600.00;
$release  = '5.1beta (Build: 20250915)';
$branch   = '501';
$maturity = MATURITY_BETA;
