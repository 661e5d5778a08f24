{ bom = true; }
