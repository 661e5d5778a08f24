{
  description = "no inputs yet";
  outputs = { self }: { };
}
