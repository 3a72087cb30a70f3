# otr-rs: builds, installs and tests libotr.so.5 (a drop-in for libotr 4.1.1).
#
#   make                      build/libotr.so.5.1.1 (+ libotr.so.5, libotr.so), build/libotr.a and
#                             the toolkit, build/bin/otr_parse ... (toolkit/, Rust; no libotr needed)
#   make install              PREFIX=/usr/local DESTDIR= LIBDIR=$(PREFIX)/lib INCLUDEDIR=$(PREFIX)/include
#                             BINDIR=$(PREFIX)/bin MANDIR=$(PREFIX)/share/man
#                             ACLOCALDIR=$(PREFIX)/share/aclocal (libotr.m4: AM_PATH_LIBOTR)
#   make uninstall            removes exactly what install put there
#   make install-check        installs into a staging DESTDIR, builds a client with pkg-config, uninstalls
#   make check                cargo tests, C tests against ours and against Debian's libotr, interop, e2e,
#                             check-ct
#   make interop              two-process conversations, ours and Debian's libotr in all four pairings
#   make e2e                  real Debian clients and tools, unmodified, on build/libotr.so.5 (tests/e2e)
#   make e2e-source           the real OTR plugins (pidgin-otr, hexchat-otr, irssi's, bitlbee's; mcabber
#                             and profanity when their source is served) rebuilt from Debian's source
#                             against our staged headers only, then the real-client tests on them,
#                             Pidgin and HexChat included (tests/e2e-source; as root; not in check)
#   make deb                  Debian packages in build/deb/: libotr5-rs (in place of libotr5),
#                             libotr-rs-dev, libotr-rs-bin (packaging/deb/; dpkg-deb)
#   make deb-check            installs them in a Debian 12 chroot beside irssi-plugin-otr (root)
#   make offline-check        builds from vendored crates with no network (packaging/; minutes)
#   make headers              regenerates include/libotr/*.h from src/ffi with cbindgen
#   make abi-check            compares headers and library with libotr 4.1.1 (../shared/abi/check)
#   make lint                 cargo fmt --check and clippy -D warnings (the library and fuzz/)
#   make flood                a million hostile messages into a live session, ours and
#                             Debian's: time, heap and resident size (check sends 100000)
#   make fuzz                 every fuzz target for FUZZ_SECONDS (default 60) each; nightly
#                             and cargo-fuzz (installed if missing); fails on a crash (fuzz/)
#   make fuzz-replay          every checked-in fuzz corpus and regression input, on stable
#   make fuzz-seeds           adds seeds from real sessions (ours and Debian's) to fuzz/corpus
#   make check-asan           the library built with AddressSanitizer (nightly, -Zbuild-std),
#                             debug assertions and overflow checks in build/asan; the C tests
#                             (compiled with -fsanitize=address,undefined), sanitizer canaries
#                             and the interop suite on it (minutes; not in check)
#   make miri                 the library's unit tests (core, FFI helpers) under Miri (nightly;
#                             minutes; not in check)
#   make check-ct             constant time: ctgrind (valgrind memcheck, secrets marked undefined)
#                             over 13 secret paths, and a short dudect run (ct/; part of check)
#   make dudect               the dudect timing test, DUDECT_SAMPLES timings a target (100000)
#   make bench                bench/otrbench.c on Debian's libotr and on ours, side by side
#                             (BENCHMARKS.md), then the Rust benchmarks (cargo bench, with the
#                             D-H exponentiation beside GMP and libgcrypt: needs libgmp-dev); not in check

PREFIX     ?= /usr/local
LIBDIR     ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
BINDIR     ?= $(PREFIX)/bin
MANDIR     ?= $(PREFIX)/share/man
ACLOCALDIR ?= $(PREFIX)/share/aclocal
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
DESTDIR    ?=
CARGO      ?= cargo
INSTALL    ?= install

BUILD   := build
REALNAME := libotr.so.5.1.1
SONAME  := libotr.so.5
HEADERS := $(wildcard include/libotr/*.h)
# libotr's toolkit; one manual page, otr_toolkit.1, with a link for each tool (as libotr).
TOOLS   := otr_parse otr_sesskeys otr_mackey otr_readforge otr_modify otr_remac
ABI_CHECK ?= ../shared/abi/check

.PHONY: lib-asan check-asan miri ct-build check-ct dudect fuzz fuzz-replay fuzz-seeds all lib tools install uninstall deb deb-check offline-check check demo bench lint flood test-deps cargo-test ffi-tests ffi-tests-system interop e2e e2e-source headers install-check abi-check clean

all: lib tools

lib:
	$(CARGO) build --release --lib
	mkdir -p $(BUILD)
	cp target/release/libotr.so $(BUILD)/$(REALNAME)
	cp target/release/libotr.a $(BUILD)/libotr.a
	ln -sf $(REALNAME) $(BUILD)/$(SONAME)
	ln -sf $(SONAME) $(BUILD)/libotr.so
	sed -e 's|^prefix=.*|prefix=$(PREFIX)|' -e 's|^libdir=.*|libdir=$(LIBDIR)|' \
	    -e 's|^includedir=.*|includedir=$(INCLUDEDIR)|' pkgconfig/libotr.pc > $(BUILD)/libotr.pc

# libotr's toolkit in Rust over our core (toolkit/); the programs link no libotr.
tools:
	$(CARGO) build --release -p otr-toolkit --bins
	mkdir -p $(BUILD)/bin
	cp $(addprefix target/release/,$(TOOLS)) $(BUILD)/bin/

# Installing into the live system (no DESTDIR) refreshes the loader's cache, as libotr's
# libtool install does: the system's clients load the new libotr.so.5 at once (and the
# previous one again after uninstall). Staged installs leave the cache alone.
LDCONFIG ?= /sbin/ldconfig
LDCONFIG_LIVE = @if [ -z "$(DESTDIR)" ]; then $(LDCONFIG) || echo "make: ldconfig failed: run it as root"; fi

install: lib tools
	$(INSTALL) -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR)/libotr $(DESTDIR)$(PKGCONFIGDIR) \
	    $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(ACLOCALDIR)
	$(INSTALL) -m 0644 $(BUILD)/$(REALNAME) $(DESTDIR)$(LIBDIR)/$(REALNAME)
	ln -sf $(REALNAME) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libotr.so
	$(INSTALL) -m 0644 $(BUILD)/libotr.a $(DESTDIR)$(LIBDIR)/libotr.a
	$(INSTALL) -m 0644 $(HEADERS) $(DESTDIR)$(INCLUDEDIR)/libotr/
	$(INSTALL) -m 0644 $(BUILD)/libotr.pc $(DESTDIR)$(PKGCONFIGDIR)/libotr.pc
	$(INSTALL) -m 0755 $(addprefix $(BUILD)/bin/,$(TOOLS)) $(DESTDIR)$(BINDIR)/
	$(INSTALL) -m 0644 man/otr_toolkit.1 $(DESTDIR)$(MANDIR)/man1/otr_toolkit.1
	for t in $(TOOLS); do ln -sf otr_toolkit.1 $(DESTDIR)$(MANDIR)/man1/$$t.1; done
	$(INSTALL) -m 0644 m4/libotr.m4 $(DESTDIR)$(ACLOCALDIR)/libotr.m4
	$(LDCONFIG_LIVE)

uninstall:
	rm -f $(DESTDIR)$(LIBDIR)/$(REALNAME) $(DESTDIR)$(LIBDIR)/$(SONAME) \
	      $(DESTDIR)$(LIBDIR)/libotr.so $(DESTDIR)$(LIBDIR)/libotr.a \
	      $(DESTDIR)$(PKGCONFIGDIR)/libotr.pc
	rm -f $(addprefix $(DESTDIR)$(INCLUDEDIR)/libotr/,$(notdir $(HEADERS)))
	-rmdir $(DESTDIR)$(INCLUDEDIR)/libotr
	rm -f $(addprefix $(DESTDIR)$(BINDIR)/,$(TOOLS)) $(DESTDIR)$(MANDIR)/man1/otr_toolkit.1 \
	      $(patsubst %,$(DESTDIR)$(MANDIR)/man1/%.1,$(TOOLS)) $(DESTDIR)$(ACLOCALDIR)/libotr.m4
	$(LDCONFIG_LIVE)

# Debian packages: `make install` staged under /usr with the multiarch libdir, then split
# into libotr5-rs, libotr-rs-dev and libotr-rs-bin by packaging/deb/build.sh (dpkg-deb).
# DEB_MAINTAINER is the project's address; set yours for packages you distribute.
DEB_VERSION    ?= 4.1.1+rs1
DEB_MAINTAINER ?= otr-rs maintainers <maintainers@users.noreply.h-seed-5c6d0575.example>
DEB_STAGE      := $(BUILD)/deb/stage
deb:
	rm -rf $(BUILD)/deb
	$(MAKE) install DESTDIR=$(CURDIR)/$(DEB_STAGE) PREFIX=/usr \
	    LIBDIR=/usr/lib/$$(dpkg-architecture -qDEB_HOST_MULTIARCH)
	DEB_VERSION='$(DEB_VERSION)' DEB_MAINTAINER='$(DEB_MAINTAINER)' CARGO='$(CARGO)' \
	    packaging/deb/build.sh $(DEB_STAGE) $(BUILD)/deb

# The packages in a Debian 12 chroot from debootstrap (cached in build/): lintian, apt
# with irssi-plugin-otr, ldd, then Debian's libotr5 back. As root; minutes, not in check.
deb-check: deb
	packaging/deb/check.sh $(BUILD)/deb

# Offline builds: after `cargo vendor` (or `cargo fetch`), `CARGO_NET_OFFLINE=true make`
# needs no network. This proves it on a copy of the tree; minutes, not in check.
offline-check:
	packaging/offline-check.sh

# Debian's libotr 4.1.1, the reference, is always named by path: ours may be installed
# system-wide (in /usr/local, ahead of Debian's on every default search path).
# tests/ref/debian-cc compiles against Debian's headers and library; REF_LIB is the real
# path of Debian's libotr.so.5, whose directory a run on the reference puts first.
REF_CC  := tests/ref/debian-cc
REF_LIB  = $(shell $(REF_CC) --lib)

# The reference libotr and the tools the tests compare against; the clients of make e2e.
TEST_PACKAGES := libotr5 libotr5-dev libotr5-bin libgcrypt20-dev python3-potr pkg-config valgrind autoconf automake
# make bench also times GMP beside ours and libgcrypt (bench/modexp.c, built by cargo bench).
BENCH_PACKAGES := libgmp-dev
E2E_PACKAGES  := tmux ngircd irssi irssi-plugin-otr prosody profanity mcabber bitlbee bitlbee-plugin-otr
test-deps:
	@missing=$$(for p in $(TEST_PACKAGES) $(E2E_PACKAGES) $(EXTRA_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	    if [ "$$(id -u)" = 0 ]; then \
	        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	    else \
	        echo "make check needs these Debian packages: $$missing (run: sudo apt-get install $$missing)"; exit 1; \
	    fi; \
	fi

# The library's tests and the toolkit's (toolkit/: against Debian's libotr5-bin).
cargo-test: test-deps
	$(CARGO) test --workspace --lib --tests

ffi-tests: lib test-deps
	$(MAKE) --no-print-directory -C ffi-tests LIBOTR=ours

ffi-tests-system: test-deps
	$(MAKE) --no-print-directory -C ffi-tests LIBOTR=system

flood: lib test-deps
	$(MAKE) --no-print-directory -C ffi-tests flood

lint:
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	$(CARGO) fmt --check --manifest-path fuzz/Cargo.toml
	cd fuzz && RUSTFLAGS="--cfg fuzzing" $(CARGO) clippy --release --no-default-features --all-targets -- -D warnings
	$(CARGO) fmt --check --manifest-path ct/Cargo.toml
	$(CT_CARGO) clippy --release --all-targets -- -D warnings

# Fuzzing (fuzz/README.md). The targets are functions of the fuzz/ crate; built with
# --cfg fuzzing, the library's random numbers are deterministic, so every input replays.
FUZZ_SECONDS ?= 60
fuzz:
	@cargo +nightly fuzz --version >/dev/null 2>&1 || $(CARGO) install cargo-fuzz
	fuzz/run.sh $(FUZZ_SECONDS)

# The checked-in corpora and regression inputs, replayed by a cargo test on stable.
fuzz-replay:
	cd fuzz && RUSTFLAGS="--cfg fuzzing" $(CARGO) test --release --no-default-features --test replay

fuzz-seeds: lib test-deps
	cd fuzz && RUSTFLAGS="--cfg fuzzing" $(CARGO) test --release --no-default-features --test seeds -- --ignored
	fuzz/seeds.sh $(BUILD)

# The ABI comparison needs ../shared (beside the clone, as in CI); say so when absent.
abi-check: lib
	@if [ -x $(ABI_CHECK) ]; then $(ABI_CHECK) include $(BUILD)/$(SONAME); \
	else echo "abi-check: $(ABI_CHECK) not found, skipped (CI runs it)"; fi

install-check: lib tools test-deps
	ffi-tests/install_check.sh

# A two-party OTR chat in C (examples/otr_chat.c) on our library: AKE, messages,
# an SMP check and the end of the conversation, with everything that crossed the wire.
demo: lib
	$(CC) -Wall -Wextra -Wno-unused-parameter -Iinclude -o $(BUILD)/otr_chat examples/otr_chat.c -L$(BUILD) -lotr
	LD_LIBRARY_PATH=$(BUILD) $(BUILD)/otr_chat

# The interoperability suite (tests/interop/): a C peer built once against Debian's
# headers plays each side on our library or Debian's; a Python driver relays the wire.
INTEROP_PEER := tests/interop/build/peer
$(INTEROP_PEER): tests/interop/peer.c ffi-tests/snapshot.h
	@mkdir -p $(@D)
	$(REF_CC) -O1 -g -Wall -Wextra -Wno-unused-parameter -rdynamic -Iffi-tests -o $@ $< -lotr -lgcrypt -ldl

interop: lib test-deps $(INTEROP_PEER)
	python3 tests/interop/run.py --peer $(INTEROP_PEER) --ours $(BUILD) --reference-lib $(REF_LIB)

check: lint cargo-test fuzz-replay abi-check install-check interop ffi-tests-system ffi-tests e2e check-ct

# AddressSanitizer and UndefinedBehaviorSanitizer (SECURITY.md, "Sanitizers"). The
# library is built by nightly Rust with -Zsanitizer=address over a rebuilt, instrumented
# standard library (-Zbuild-std), with debug assertions and overflow checks, into
# build/asan. One sanitizer runtime serves all: Rust's (ASAN_RT, which also holds
# UBSan's handlers), linked into each test program; the C side is compiled with
# -fsanitize=address,undefined. The C tests of ffi-tests/ and the interop suite run on it.
HOST_TRIPLE := $(shell rustc -vV | sed -n 's/^host: //p')
ASAN_RT      = $(shell rustc +nightly --print sysroot)/lib/rustlib/$(HOST_TRIPLE)/lib/librustc-nightly_rt.asan.a
ASAN_RUSTFLAGS := -Zsanitizer=address -Cdebug-assertions=on -Coverflow-checks=on -Cforce-frame-pointers=yes
ASAN_BUILD   := $(BUILD)/asan
lib-asan:
	RUSTFLAGS="$(ASAN_RUSTFLAGS)" $(CARGO) +nightly build -Zbuild-std=std,panic_abort \
	    --target $(HOST_TRIPLE) --release --lib --target-dir target/asan
	mkdir -p $(ASAN_BUILD)
	cp target/asan/$(HOST_TRIPLE)/release/libotr.so $(ASAN_BUILD)/$(REALNAME)
	ln -sf $(REALNAME) $(ASAN_BUILD)/$(SONAME)
	ln -sf $(SONAME) $(ASAN_BUILD)/libotr.so

# The interop peer on the same runtime. Debian's libotr and libgcrypt, in the pairings
# that load them, leak by design (SECURITY.md): LeakSanitizer ignores leaks whose
# allocation stack passes through them (tests/interop/lsan.supp).
INTEROP_PEER_ASAN := tests/interop/build/peer-asan
$(INTEROP_PEER_ASAN): tests/interop/peer.c ffi-tests/snapshot.h
	@mkdir -p $(@D)
	$(REF_CC) -O1 -g -Wall -Wextra -Wno-unused-parameter -fsanitize=address,undefined \
	    -fno-sanitize-recover=all -fno-omit-frame-pointer -Iffi-tests -c -o $@.o $<
	$(REF_CC) -o $@ $@.o -lotr -lgcrypt -ldl -rdynamic \
	    -Wl,--whole-archive $(ASAN_RT) -Wl,--no-whole-archive -lpthread -lrt -lm

check-asan: lib-asan test-deps $(INTEROP_PEER_ASAN)
	$(MAKE) --no-print-directory -C ffi-tests LIBOTR=asan ASAN_RT=$(ASAN_RT)
	ASAN_OPTIONS=exitcode=99:detect_leaks=1 LSAN_OPTIONS=suppressions=$(CURDIR)/tests/interop/lsan.supp \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	    python3 tests/interop/run.py --peer $(INTEROP_PEER_ASAN) --ours $(ASAN_BUILD) --reference-lib $(REF_LIB)

# Miri (SECURITY.md, "Sanitizers"): the library's unit tests, the safe core's and those
# of the FFI helpers' pointer work, under nightly's interpreter, which stops at undefined
# behaviour (out-of-bounds or dangling pointers, uninitialised reads, aliasing). Tests
# too slow for it (big-number arithmetic) say so with #[cfg_attr(miri, ignore = ...)];
# property tests run 16 cases each instead of 256. Isolation is off: some tests read
# the sample files.
miri:
	PROPTEST_CASES=16 MIRIFLAGS=-Zmiri-disable-isolation \
	    $(CARGO) +nightly miri test --lib --target-dir target/miri

# Constant time (ct/, SECURITY.md "Constant time"): the ct crate builds the library with
# --cfg otr_ct_validation (its crypto::ct marks call hooks) in ct/target. ctgrind runs
# the secret paths under valgrind's memcheck with the secrets marked undefined (any
# report fails; a deliberately leaky comparison and exponentiation must be reported);
# dudect compares the timings of fixed and random secrets with Welch's t-test.
CT_CARGO = cd ct && RUSTFLAGS="--cfg otr_ct_validation" $(CARGO)
DUDECT_SAMPLES ?= 100000
ct-build:
	$(CT_CARGO) build --release
	$(CT_CARGO) test --release

check-ct: ct-build test-deps
	@mkdir -p $(BUILD)
	valgrind -q --error-limit=no --log-file=$(BUILD)/ctgrind.log ct/target/release/ctgrind \
	    || { cat $(BUILD)/ctgrind.log; exit 1; }
	@echo "(the reports of the deliberately leaky functions: $(BUILD)/ctgrind.log)"
	ct/target/release/dudect 4000

dudect: ct-build
	nice ct/target/release/dudect $(DUDECT_SAMPLES)

# One program, built once against Debian's headers, timed on Debian's libotr and on ours
# alternately (bench/compare.py); not part of check. BENCH_FLAGS go to compare.py
# (e.g. BENCH_FLAGS="--rounds 3").
BENCH_FLAGS ?=
bench: EXTRA_PACKAGES := $(BENCH_PACKAGES)
bench: lib test-deps
	$(REF_CC) -O2 -g -Wall -Wextra -Wno-unused-parameter \
	    -o $(BUILD)/otrbench bench/otrbench.c -lotr -ldl
	python3 bench/compare.py --bin $(BUILD)/otrbench --ours $(BUILD) \
	    --reference-lib $(REF_LIB) --out $(BUILD)/bench $(BENCH_FLAGS)
	$(CARGO) bench --bench wire --bench crypto --bench session

# Real clients on our library, headless: Debian's OTR toolkit byte for byte against
# Debian's libotr, irssi, profanity, mcabber and bitlbee over local servers (tests/e2e).
e2e: lib tools test-deps
	tests/e2e/run.sh

# The real plugins rebuilt from source against our headers (apt-get source, build-dep;
# build/e2e-source/), then make e2e's scenarios on them, Pidgin and HexChat (tests/e2e-source).
e2e-source: lib tools test-deps
	tests/e2e-source/run.sh

headers:
	OTR_UPDATE_HEADERS=1 $(CARGO) build --lib

clean:
	$(CARGO) clean
	rm -rf $(BUILD)
	$(MAKE) -C ffi-tests clean
	rm -rf tests/interop/build
