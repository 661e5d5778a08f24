{ a, b, ... }:
[
  ./relative
  ./dir/file.nix
  ../up/one
  /absolute/path
  a/b
  ~/home/file
  ./dir/${a}
  ./dir/${a}/sub.nix
  ./${a}.nix
  ./x${a}y
  <nixpkgs>
  <nixpkgs/lib>
  ./with-dash_and+plus.d
]
