using System;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FlakeTools.Core.Json;

/// <summary>
/// Writes JSON the way Nix writes its files (nlohmann::json's <c>dump(2)</c>, used for flake.lock
/// and registry.json alike): keys in byte order, two-space indentation, one array element per line,
/// <c>{}</c> and <c>[]</c> for empty ones, non-ASCII as UTF-8, only <c>"</c>, <c>\</c> and control
/// characters escaped. Whether a final newline follows is the file's business (flake.lock has one,
/// registry.json none), so the text here ends with the closing bracket.
/// </summary>
public static class NixJson
{
    /// <summary>The text Nix would write for <paramref name="node"/>, without a final newline.</summary>
    public static string Serialize(JsonNode? node)
    {
        var builder = new StringBuilder();
        Write(builder, node, 0);
        return builder.ToString();
    }

    private static void Write(StringBuilder builder, JsonNode? node, int depth)
    {
        switch (node)
        {
            case null:
                builder.Append("null");
                break;
            case JsonObject obj:
                if (obj.Count == 0) { builder.Append("{}"); break; }
                builder.Append("{\n");
                var first = true;
                foreach (var (key, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    if (!first) builder.Append(",\n");
                    first = false;
                    builder.Append(' ', (depth + 1) * 2);
                    WriteString(builder, key);
                    builder.Append(": ");
                    Write(builder, value, depth + 1);
                }
                builder.Append('\n').Append(' ', depth * 2).Append('}');
                break;
            case JsonArray array:
                if (array.Count == 0) { builder.Append("[]"); break; }
                builder.Append("[\n");
                for (var i = 0; i < array.Count; i++)
                {
                    if (i > 0) builder.Append(",\n");
                    builder.Append(' ', (depth + 1) * 2);
                    Write(builder, array[i], depth + 1);
                }
                builder.Append('\n').Append(' ', depth * 2).Append(']');
                break;
            case JsonValue value:
                WriteValue(builder, value);
                break;
        }
    }

    private static void WriteValue(StringBuilder builder, JsonValue value)
    {
        if (!value.TryGetValue<JsonElement>(out var element))
        {
            // A value made in code rather than read (any .NET type): take it through a document once.
            element = JsonDocument.Parse(value.ToJsonString()).RootElement;
        }
        switch (element.ValueKind)
        {
            case JsonValueKind.String: WriteString(builder, element.GetString()!); break;
            case JsonValueKind.True: builder.Append("true"); break;
            case JsonValueKind.False: builder.Append("false"); break;
            case JsonValueKind.Null: builder.Append("null"); break;
            case JsonValueKind.Number:
                // Integers in their plain decimal form; anything else (a float, an integer beyond 64
                // bits) as it was written.
                builder.Append(element.TryGetInt64(out var integer) ? integer.ToString(CultureInfo.InvariantCulture) : element.GetRawText());
                break;
            default: builder.Append(element.GetRawText()); break;
        }
    }

    private static void WriteString(StringBuilder builder, string text)
    {
        builder.Append('"');
        foreach (var c in text)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\b': builder.Append("\\b"); break;
                case '\f': builder.Append("\\f"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                case < ' ': builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)); break;
                default: builder.Append(c); break;
            }
        }
        builder.Append('"');
    }
}
