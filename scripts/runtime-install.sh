#!/bin/sh
# The runtime's node_modules: the lockfile's production dependencies and nothing else. The
# Dockerfile's deps stage and test/e2e/runtime-steps.e2e-spec.ts both run this script, so a module
# the compiled service imports but package.json lists only under devDependencies fails the test
# exactly as it would fail the image.
#   sh scripts/runtime-install.sh [directory holding package.json and package-lock.json]
set -eu
cd "${1:-.}"
# --prefer-offline: reuse the npm cache when it has the tarballs (the test runs this often).
npm ci --omit=dev --no-audit --no-fund --prefer-offline
