<?php
// library
