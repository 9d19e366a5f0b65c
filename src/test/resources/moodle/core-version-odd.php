<?php
/* A weekly build written with odd spacing, double quotes and comments:
   $version = 1999999999.00; inside a comment must be ignored. */
# $release = 'not this one';
$version=2024042203.07 ;
$release =    "4.4.3+ (Build: 20240823)";
$branch= "404";
$maturity   =   MATURITY_STABLE;
