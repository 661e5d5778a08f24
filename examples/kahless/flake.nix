{
  description = "kahless: one desktop, stable nixpkgs with a few packages from unstable";

  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-24.05";
  inputs.nixpkgs-unstable.url = "github:NixOS/nixpkgs/nixos-unstable";
  inputs.home-manager = {
    url = "github:nix-community/home-manager/release-24.05";
    inputs.nixpkgs.follows = "nixpkgs";
  };
  inputs.elgato.url = "github:example/elgato-control";

  outputs = { self, nixpkgs, nixpkgs-unstable, home-manager, elgato }: {
    nixosConfigurations.kahless = nixpkgs.lib.nixosSystem {
      system = "x86_64-linux";
      modules = [
        ./configuration.nix
        ./registry.nix
        home-manager.nixosModules.home-manager
        {
          home-manager.useGlobalPkgs = true;
          home-manager.useUserPackages = true;
          home-manager.users.worf = import ./home.nix;
          # What the user's modules get besides the usual arguments.
          home-manager.extraSpecialArgs = {
            inherit elgato;
            pkgs-unstable = nixpkgs-unstable.legacyPackages.x86_64-linux;
          };
        }
        # The flakes `nix run nixpkgs#...` and friends should use.
        {
          nix.registry.nixpkgs.flake = nixpkgs;
          nix.registry.nixpkgs-unstable.flake = nixpkgs-unstable;
          nix.registry.elgato.flake = elgato;
        }
      ];
    };
  };
}
