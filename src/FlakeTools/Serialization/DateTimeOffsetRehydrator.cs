using System;
using System.Management.Automation;

namespace FlakeTools.Serialization;

/// <summary>
/// Turns the property bag PowerShell's serialiser makes of a <see cref="DateTimeOffset"/>
/// (remoting, jobs, Export-Clixml) back into a <see cref="DateTimeOffset"/>, so that
/// <c>$_.Locked.LastModified -lt (Get-Date).AddDays(-30)</c> works on objects from another machine.
/// FlakeTools.types.ps1xml names it as the target type of <c>Deserialized.System.DateTimeOffset</c>
/// and as its own converter (the pattern of PowerShell's DeserializingTypeConverter), so it only
/// ever sees deserialized dates, never another conversion to DateTimeOffset.
/// </summary>
public sealed class DateTimeOffsetRehydrator : PSTypeConverter
{
    /// <summary>Reads the bag: UtcTicks and Offset are what the serialiser always writes.</summary>
    private static bool TryRead(object? value, out DateTimeOffset result)
    {
        result = default;
        if (value is not PSObject bag || !bag.TypeNames.Contains("Deserialized.System.DateTimeOffset")) return false;
        if (bag.Properties["UtcTicks"]?.Value is not { } ticks || bag.Properties["Offset"]?.Value is not { } offset) return false;
        try
        {
            var utc = new DateTime(LanguagePrimitives.ConvertTo<long>(ticks), DateTimeKind.Utc);
            result = new DateTimeOffset(utc).ToOffset(LanguagePrimitives.ConvertTo<TimeSpan>(offset));
            return true;
        }
        catch (Exception e) when (e is PSInvalidCastException or ArgumentException)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public override bool CanConvertFrom(object sourceValue, Type destinationType) => TryRead(sourceValue, out _);

    /// <inheritdoc />
    public override object ConvertFrom(object sourceValue, Type destinationType, IFormatProvider formatProvider, bool ignoreCase) =>
        TryRead(sourceValue, out var result) ? result : throw new PSInvalidCastException("The value is not a deserialized DateTimeOffset (no UtcTicks and Offset).");

    /// <inheritdoc />
    public override bool CanConvertTo(object sourceValue, Type destinationType) => false;

    /// <inheritdoc />
    public override object ConvertTo(object sourceValue, Type destinationType, IFormatProvider formatProvider, bool ignoreCase) =>
        throw new PSInvalidCastException("DateTimeOffsetRehydrator only reads deserialized dates.");
}
