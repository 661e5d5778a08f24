{ a = "unterminated;
