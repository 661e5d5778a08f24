{ x }:
let
  inherit (x) a;
  a = 2;
in
a
