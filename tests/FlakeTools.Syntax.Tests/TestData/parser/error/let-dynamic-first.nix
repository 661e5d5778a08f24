{ n }:
let
  ${n}.x = 1;
in
n
