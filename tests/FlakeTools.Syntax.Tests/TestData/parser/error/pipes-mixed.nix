x |> f <| y
