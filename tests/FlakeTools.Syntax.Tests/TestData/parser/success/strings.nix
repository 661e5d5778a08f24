{ a, b, ... }:
[
  "plain"
  "escapes: \" \\ \n \t \r \$ \x"
  "interp ${a} and ${"nested ${b}"}"
  "dollar $$ and $${a} and $ before quote $"
  "${a}"
  ""
  "multi
line"
  "brace { and } inside"
]
