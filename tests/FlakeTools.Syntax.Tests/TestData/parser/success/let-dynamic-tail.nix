{ f, n }:
let
  set."${n}-unwrapped" = f n;
  set.${n} = f n;
  other.a.${n}.b = 1;
  "quoted" = 2;
  ${"static"} = 3;
in
set // other
