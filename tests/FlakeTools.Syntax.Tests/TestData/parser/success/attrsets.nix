{ x, n, quotedInherit, ... }:
rec {
  plain = 1;
  nested.deep.path = 2;
  nested.other = 3;
  "quoted name" = 4;
  ${n} = 5;
  "${n}-suffix" = 6;
  ${"static"} = 7;
  or = 8;
  a.or.b = 9;
  inherit x;
  inherit (x) y z;
  inherit "quotedInherit";
  merged = { p = 1; };
  merged.q = 2;
  empty = { };
  compact = {a=1;b=2;};
}
