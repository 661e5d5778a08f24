''
  unterminated indented
