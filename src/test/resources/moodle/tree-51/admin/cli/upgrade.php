<?php
// a CLI script
