{ pkgs, cond, ... }:
let
  inherit (pkgs) lib;
  value = if cond then 1 else 2;
  nested = let inner = 1; in inner;
  legacy = let { body = 1; other = 2; };
in
assert cond;
assert lib != null;
with pkgs; with lib;
{
  inherit value nested legacy;
  chained = if cond then if cond then 1 else 2 else 3;
}
