{
  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-24.05";
    waybar.url = "github:Alexays/Waybar/0.9.22";
  };
  outputs = { self, nixpkgs, waybar }: { };
}
