{ a, c, f, ... }:
let or = x: x; in
[
  a.b.c
  (a.b or 1)
  (a.b.c or a.d or 2)
  a."quoted".${"dyn"}
  (f a.b c.d or 3)
  (f or)
  a.or
  (a.b or f a)
]
