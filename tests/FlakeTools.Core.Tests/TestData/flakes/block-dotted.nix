{
  description = "block with dotted keys";
  inputs = {
    nixpkgs.url = "github:nixos/nixpkgs/nixos-23.05";
    hyprland.url = "github:hyprwm/Hyprland/v0.29.1";
    hyprland.inputs.nixpkgs.follows = "nixpkgs";
  };
  outputs = { nixpkgs, hyprland, ... }@inputs: { };
}
