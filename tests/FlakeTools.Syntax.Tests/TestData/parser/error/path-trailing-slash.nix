{ a = ./path/; }
