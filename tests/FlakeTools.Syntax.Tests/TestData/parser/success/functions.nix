let
  simple = x: x;
  curried = x: y: x y;
  pattern = { a, b ? 1, ... }: a;
  boundAfter = { a, ... }@args: args;
  boundBefore = args@{ a ? "d", b }: args;
  empty = { }: null;
  ellipsisOnly = { ... }: null;
  trailingComma = { a, b, }: a;
  defaultsRefer = { a ? b, b ? 2 }: a;
  leadingCommas =
    { pkgs
    , lib
    , ...
    }:
    lib;
in
[ simple curried pattern boundAfter boundBefore empty ellipsisOnly trailingComma defaultsRefer leadingCommas ]
