using BenchmarkDotNet.Running;

if (args is ["patch-diff", var file])
{
    return Jostle.Scim.Benchmarks.PatchDiff.Run(file);
}

if (args is ["patch-stages", ..])
{
    return Jostle.Scim.Benchmarks.PatchStages.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 20_000);
}

if (args is ["entra-loop", ..])
{
    return Jostle.Scim.Benchmarks.EntraLoop.Run(args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 2.5);
}

if (args is ["filter-stages", var mix, ..])
{
    return Jostle.Scim.Benchmarks.FilterStages.Run(mix, args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 50_000);
}

if (args is ["mapped-stages", ..])
{
    return Jostle.Scim.Benchmarks.MappedStages.Run(args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 5);
}

if (args is ["mapped-loop", ..])
{
    return Jostle.Scim.Benchmarks.MappedLoop.Run(
        args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 5,
        args.Length > 2 ? args[2] : "MappedHit,DocumentHit,MappedMiss,DocumentMiss");
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
