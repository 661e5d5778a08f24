{
  description = "a";
  description = "b";
}
