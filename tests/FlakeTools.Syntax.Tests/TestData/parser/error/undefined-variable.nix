# Names nothing binds: Nix refuses each of these with "undefined variable".
{ pkgs }:
let
  inherit missing;              # inherit reads the scope around the let
  local = 1;
in
{
  a = "${spelling}";
  b = (with pkgs; anything) + afterWith;
  c = { inner = 1; }.inner + local;
  d = { x = 1; y = { inherit x; }; };  # a plain set binds nothing
  e = pkgs.${attr} or fallback;
}
