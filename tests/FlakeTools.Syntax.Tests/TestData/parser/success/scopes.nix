# Every way Nix binds a name, and its global names: nix-instantiate --parse accepts all of it.
{ pkgs ? import <nixpkgs> { }, lib ? pkgs.lib, self ? args, ... }@args:
let
  inherit (pkgs) stdenv;        # the source sees the let's own names
  inherit lib;                  # read from the scope around the let (the formals)
  names = [ first second ];     # a let is recursive: later names are seen
  first = "a";
  second = toString (builtins.length names);
  tree.${first}.leaf = second;  # a dynamic part after a static first name sees the let
  withDefaults = { x ? y, y ? 1 }@both: x + y + both.y;
  legacy = let { body = inner; inner = 1; };
in
rec {
  inherit (tree) a;
  set = { inherit first; ${second} = map (n: n + first) names; };
  total = legacy + withDefaults { };
  recursive = total;
  ${first + "b"} = recursive;
  fromWith = with pkgs; hello + anything-at-all;
  globals = [ true false null derivation abort throw baseNameOf dirOf isNull removeAttrs
    fetchTarball fetchGit fetchTree fromTOML placeholder scopedImport __curPos __add __foldl' ];
  merged = { y = 1; } // { z = stdenv; };
  quoted = { "${"q"}" = 1; q2 = 2; }; # an interpolated string is a dynamic name to Nix
}
