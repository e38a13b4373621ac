#!/usr/bin/env bash
# Generates an EF Core migration named NAME for BOTH providers of the SCIM database, in one go:
#   Migrations/Sqlite   (SqliteScimDbContext,   namespace Jostle.Scim.EntityFrameworkCore.Migrations.Sqlite)
#   Migrations/Postgres (PostgresScimDbContext, namespace Jostle.Scim.EntityFrameworkCore.Migrations.Postgres)
# Run it from anywhere; it needs the .NET SDK only (no database is opened).
# Usage: src/Jostle.Scim.EntityFrameworkCore/Migrations/add-migration.sh NAME
# To regenerate the initial migration after changing the model, delete Migrations/Sqlite and Migrations/Postgres and
# run it with InitialCreate. Installs dotnet-ef 10.0.15 into $EF_TOOL_PATH (default /tmp/ef) when it is missing.
# The generated classes are made internal, so they stay out of the package's public API.
set -euo pipefail

name="${1:?usage: add-migration.sh NAME}"
here="$(cd "$(dirname "$0")" && pwd)"
project="$(dirname "$here")/Jostle.Scim.EntityFrameworkCore.csproj"
tool_path="${EF_TOOL_PATH:-/tmp/ef}"
ef_version="10.0.15"

if [ ! -x "$tool_path/dotnet-ef" ]; then
  echo "installing dotnet-ef $ef_version into $tool_path"
  dotnet tool install --tool-path "$tool_path" dotnet-ef --version "$ef_version"
fi

dotnet build "$project" -c Debug -v quiet -nologo

for provider in Sqlite Postgres; do
  echo "== $provider: $name"
  before="$(mktemp)"
  ls "$here/$provider" 2>/dev/null | sort > "$before" || true
  "$tool_path/dotnet-ef" migrations add "$name" \
    --project "$project" --startup-project "$project" --no-build \
    --context "${provider}ScimDbContext" \
    --output-dir "Migrations/$provider"
  # Generated classes are public by default; the migrations are an implementation detail of the package.
  for file in "$here/$provider"/*.cs; do
    sed -i -E 's/^(\s*)public (partial )?class /\1internal \2class /' "$file"
  done
  comm -13 "$before" <(ls "$here/$provider" | sort) | sed 's/^/  added /'
  rm -f "$before"
done
