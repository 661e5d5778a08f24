x: & y
