# soctop - build, test, demo. Plain make + pkg-config; see README.md.
#   make demo      install prerequisites, build, run soctop against soctop-sim
#   make test      install prerequisites, run every test (also under ASan+UBSan)
#   make bench     print the benchmark figures
#   make fuzz      run every libFuzzer harness for FUZZ_SECONDS (default 60) each
#   make valgrind  soctop under valgrind against the sim: no leaks, no errors
#   make soak      ten million events through soctop, resources sampled
#   make SAN=1     sanitizer build in build/asan
#   make install PREFIX=/usr/local

PREFIX  ?= /usr/local
DESTDIR ?=
SAN     ?= 0
VERSION := 0.1.0

ifeq ($(SAN),1)
B        := build/asan
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
else
B        := build
SANFLAGS :=
endif

PKGS     := ncursesw libwebsockets jansson sqlite3 inih openssl
# Deferred (=) so that pkg-config runs only after scripts/deps.sh did its work.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
TEST_LIBS  = $(shell pkg-config --libs cmocka 2>/dev/null)

CFLAGS   ?= -O2 -g
WARN     := -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wformat=2
ifeq ($(CI),true)
WARN     += -Werror
endif
ifneq ($(WERROR),)
WARN     += -Werror
endif
LOCALEDIR ?= $(PREFIX)/share/locale
ALL_CFLAGS = -std=c11 $(WARN) $(CFLAGS) $(SANFLAGS) -D_GNU_SOURCE -DSOCTOP_VERSION='"$(VERSION)"' \
	-DSOCTOP_LOCALEDIR='"$(LOCALEDIR)"' -I. $(PKG_CFLAGS) -MMD -MP
ALL_LDFLAGS = $(SANFLAGS) $(LDFLAGS)

LIB_SRCS  := $(wildcard client/*.c) $(filter-out tui/main.c,$(wildcard tui/*.c)) $(wildcard views/*.c)
SIM_SRCS  := $(wildcard sim/*.c)
TEST_SRCS := $(wildcard tests/unit/test_*.c)
BENCH_SRCS := $(wildcard bench/*.c)

KEYMAPS   := $(sort $(wildcard keymaps/*.keys))
LIB_OBJS  := $(LIB_SRCS:%.c=$(B)/obj/%.o) $(B)/obj/gen/keymap_presets.o
SIM_OBJS  := $(SIM_SRCS:%.c=$(B)/obj/%.o)
TESTS     := $(TEST_SRCS:tests/unit/%.c=$(B)/tests/%)
BENCHES   := $(BENCH_SRCS:bench/%.c=$(B)/bench/%)

# libFuzzer harnesses (clang): the library rebuilt with the fuzzer's
# coverage, ASan and UBSan in build/fuzz.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_CFLAGS   = -std=c11 -g -O1 -D_GNU_SOURCE -DSOCTOP_VERSION='"$(VERSION)"' -I. $(PKG_CFLAGS) $(FUZZ_SAN) \
                -fsanitize=fuzzer-no-link -MMD -MP
FUZZ_SRCS    := $(wildcard fuzz/fuzz_*.c)
FUZZERS      := $(FUZZ_SRCS:fuzz/%.c=build/fuzz/%)
FUZZ_LIB_OBJS := $(LIB_SRCS:%.c=build/fuzz/obj/%.o) build/fuzz/obj/gen/keymap_presets.o

.PHONY: all deps test check unit integration e2e asan-check demo bench install uninstall clean format pot \
	fuzz fuzz-build fuzz-short valgrind soak
.DEFAULT_GOAL := all

# Translations: po/LANG.po -> $(B)/locale/LANG/LC_MESSAGES/soctop.mo, found
# next to the binary when run from the build tree (tui/i18n.c).
POS := $(wildcard po/*.po)
MOS := $(POS:po/%.po=$(B)/locale/%/LC_MESSAGES/soctop.mo)

all: $(B)/soctop $(B)/soctop-sim $(MOS)

$(B)/locale/%/LC_MESSAGES/soctop.mo: po/%.po
	@mkdir -p $(dir $@)
	msgfmt --check -o $@ $<

# po/soctop.pot from the sources (then: msgmerge -U po/zh_TW.po po/soctop.pot)
pot:
	xgettext --from-code=UTF-8 -k_ -kN_ -cTRANSLATORS: --package-name=soctop -o po/soctop.pot $(LIB_SRCS) tui/main.c

$(B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

# The keymap presets are built in (tui/keymap.c): soctop always has its keys.
$(B)/gen/keymap_presets.c: $(KEYMAPS) scripts/embed-keymaps.sh
	@mkdir -p $(dir $@)
	scripts/embed-keymaps.sh $@ $(KEYMAPS)

$(B)/obj/gen/keymap_presets.o: $(B)/gen/keymap_presets.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(B)/libsoctop.a: $(LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && $(AR) rcs $@ $^

$(B)/soctop: $(B)/obj/tui/main.o $(B)/libsoctop.a
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) -lm

$(B)/soctop-sim: $(SIM_OBJS) $(B)/libsoctop.a
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) -lm

$(B)/tests/%: tests/unit/%.c $(B)/libsoctop.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(B)/libsoctop.a $(PKG_LIBS) $(TEST_LIBS) -lm

$(B)/bench/%: bench/%.c $(B)/libsoctop.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(B)/libsoctop.a $(PKG_LIBS) -lm

build/fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c $< -o $@

build/fuzz/obj/gen/keymap_presets.o: build/fuzz/gen/keymap_presets.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c $< -o $@

build/fuzz/gen/keymap_presets.c: $(KEYMAPS) scripts/embed-keymaps.sh
	@mkdir -p $(dir $@)
	scripts/embed-keymaps.sh $@ $(KEYMAPS)

build/fuzz/libsoctop.a: $(FUZZ_LIB_OBJS)
	rm -f $@ && $(AR) rcs $@ $^

build/fuzz/fuzz_%: fuzz/fuzz_%.c build/fuzz/libsoctop.a
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< build/fuzz/libsoctop.a $(PKG_LIBS) -lm

fuzz-build: $(FUZZERS)

# Each harness for FUZZ_SECONDS from its seed corpus (fuzz/corpus/NAME);
# what it learns stays in build/fuzz/corpus/NAME, crashes in build/fuzz/.
fuzz: deps
	@$(MAKE) --no-print-directory fuzz-build
	@scripts/fuzz.sh $(FUZZ_SECONDS) $(FUZZERS)

# The short pass make test runs: 10 s each.
fuzz-short: fuzz-build
	@scripts/fuzz.sh 10 $(FUZZERS)

valgrind: all
	@SOCTOP_BUILD=build sh tests/valgrind/demo_run.sh

soak: all
	@SOCTOP_BUILD=build scripts/soak.sh

deps:
	@scripts/deps.sh

# Every test: unit, integration, end-to-end; a short pass of every fuzzer
# (10 s each); soctop under valgrind on a demo run; then unit and
# integration and end-to-end again under ASan+UBSan. The prerequisites are
# installed first.
test: deps
	$(MAKE) --no-print-directory check
	$(MAKE) --no-print-directory fuzz-short
	$(MAKE) --no-print-directory valgrind
	$(MAKE) --no-print-directory SAN=1 asan-check
	@echo "all test suites passed"

check: unit integration e2e

unit: $(TESTS)
	@scripts/run-unit.sh $(TESTS)

integration: all
	@SOCTOP_BUILD=$(B) scripts/run-shell-tests.sh tests/integration

e2e: all
	@SOCTOP_BUILD=$(B) scripts/run-shell-tests.sh tests/e2e

asan-check: unit integration e2e

demo: deps
	@$(MAKE) --no-print-directory all
	@scripts/demo.sh build $(DEMO_ARGS)

bench: deps
	@$(MAKE) --no-print-directory all $(BENCHES)
	@SOCTOP_BUILD=build scripts/bench.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/soctop/keymaps $(DESTDIR)$(PREFIX)/share/doc/soctop \
		$(DESTDIR)$(PREFIX)/share/man/man1
	install -m 0644 docs/soctop.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 0755 $(B)/soctop $(B)/soctop-sim $(DESTDIR)$(PREFIX)/bin/
	install -m 0644 config.example.ini README.md docs/PROTOCOL.md $(DESTDIR)$(PREFIX)/share/doc/soctop/
	if ls keymaps/*.keys >/dev/null 2>&1; then install -m 0644 keymaps/*.keys $(DESTDIR)$(PREFIX)/share/soctop/keymaps/; fi
	for mo in $(MOS); do l=$${mo#$(B)/locale/}; install -D -m 0644 $$mo $(DESTDIR)$(LOCALEDIR)/$$l; done

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/soctop $(DESTDIR)$(PREFIX)/bin/soctop-sim
	rm -rf $(DESTDIR)$(PREFIX)/share/soctop $(DESTDIR)$(PREFIX)/share/doc/soctop
	rm -f $(DESTDIR)$(PREFIX)/share/man/man1/soctop.1
	rm -f $(DESTDIR)$(LOCALEDIR)/*/LC_MESSAGES/soctop.mo

format:
	clang-format -i $(LIB_SRCS) tui/main.c $(SIM_SRCS) $(TEST_SRCS) $(FUZZ_SRCS) $(wildcard */*.h)

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)
