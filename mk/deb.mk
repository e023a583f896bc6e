# deb.mk - make deb, test-deb, verify-units: the Debian package (debian/) and the systemd units (dist/).
# Packaging tools are installed by these targets only, so make and make test stay light.

DEB_DIR := build/deb
# What dpkg-buildpackage needs beyond make test's packages: debhelper and dpkg-dev to build,
# lintian to review, libcmocka-dev for the unit tests the build runs (debian/rules).
DEB_DEPS := debhelper dpkg-dev lintian libreadline-dev libcmocka-dev
# The logrotate sample in the package is exercised by tests/deb/package.bats.
DEB_TEST_DEPS := logrotate systemd

.PHONY: deb test-deb verify-units

# Builds in a copy of the tracked files (build/deb/src), so debian/'s leftovers never reach the
# tree; the packages, .buildinfo and .changes land in build/deb/, then lintian reviews them.
deb:
	@scripts/deps.sh $(DEB_DEPS)
	@scripts/deb-build.sh $(DEB_DIR)

test-deb: deb
	@scripts/deps.sh $(DEB_TEST_DEPS)
	@tests/run.sh tests/deb/package.bats

verify-units:
	@scripts/deps.sh systemd
	@MAKE="$(MAKE)" scripts/verify-units.sh

LINT_SH += $(wildcard tests/deb/*.bats)
