# podium -- build, test and demo. `make help` lists the targets.
#
# Settings (override on the command line: make CC=clang PREFIX=/opt/podium)
CC      ?= cc
PREFIX  ?= /usr/local
OPT     ?= -O2
CSTD    := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
WARN    := -Wall -Wextra -Werror -Wshadow -Wundef -Wwrite-strings \
           -Wmissing-declarations -Wno-missing-field-initializers
# -Wconversion stays off: the SQLite and Lua APIs mix int widths freely.
PKGS    := sqlite3 libpq libcmark-gfm lua5.4 libcjson icu-uc icu-i18n libcrypto
DEPS_DEB := gcc make pkg-config libsqlite3-dev libcmark-gfm-dev libicu-dev libssl-dev \
            libcmark-gfm-extensions-dev liblua5.4-dev libcjson-dev libcsv-dev sqlite3 \
            libxml2-utils chromium fonts-noto-core default-jre-headless \
            postgresql libpq-dev
# The browser tests (tests/browser/check.js, validate.js) drive that
# chromium through playwright-core and inject axe-core, and run vnu-jar on
# that JRE; the three are pinned in package.json and package-lock.json.
# node and npm count when their commands exist (NodeSource's nodejs
# provides npm). npm ci runs no install scripts: vnu-jar's would fetch a
# JDK from GitHub, the JRE above serves. postgresql: the throwaway server
# of tests/t_pg.c.
DEPS_CMD := node:nodejs npm:npm
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# libpq is not linked: store/pq.c loads it when a postgresql:// registry
# is opened (it brings gnutls, krb5, ldap...: ~3.5 MB of RSS otherwise)
PKG_LIBS   = $(shell pkg-config --libs $(filter-out libpq,$(PKGS)) 2>/dev/null) -lcsv -lm -lpthread
CFLAGS  ?= $(OPT) -g
ALL_CFLAGS = $(CSTD) $(WARN) $(CFLAGS) -I. $(PKG_CFLAGS) -MMD -MP
SAN     := -fsanitize=address,undefined -fno-omit-frame-pointer \
           -fno-sanitize-recover=all

ifeq ($(V),1)
Q :=
else
Q := @
endif

# Objects by layer, bottom up (calls go one way: cli -> ingest/render ->
# analysis -> store -> SQLite).
CORE_SRC   := core/err.c core/buf.c core/sha256.c core/fs.c core/num.c core/stats.c core/project.c core/method.c core/text.c core/json.c
STORE_SRC  := store/store.c store/batch.c store/checkpoint.c store/env.c store/pending.c store/curves.c store/curve_read.c store/schema.c store/query.c store/rows.c store/board_patch.c store/check.c \
              store/render_state.c \
              store/snapshot.c store/dialect.c store/db_pg.c store/pq.c store/copy.c
ANALYSIS_SRC := analysis/curves.c analysis/compare.c analysis/compare_out.c analysis/study.c \
              analysis/table.c analysis/pareto.c analysis/metrics.c \
              analysis/estimate.c
INGEST_SRC := ingest/ingest.c ingest/session.c ingest/detect.c ingest/expand.c ingest/csv.c ingest/value.c ingest/manifest.c ingest/percent.c ingest/id_map.c ingest/read_ahead.c \
              ingest/hf_benchmark.c ingest/metric_names.c \
              ingest/keras_csvlogger.c ingest/lightning_csv.c ingest/hf_trainer.c \
              ingest/codecarbon.c ingest/codecarbon_runs.c ingest/dropped_cols.c ingest/eit.c ingest/eit_report.c ingest/html_page.c ingest/generic.c
RENDER_SRC := render/site.c render/pages.c render/runs.c render/course.c render/board_keep.c render/keep_file.c render/download_keep.c render/run_keep.c \
              render/jobs.c render/sandbox.c render/escape.c render/template.c \
              render/fmt.c render/output.c render/marker.c render/report.c render/study_pages.c \
              render/svg.c render/svg_lua.c render/i18n.c render/i18n_num.c render/i18n_catalog.c render/i18n_cmd.c render/compare_lua.c \
              render/pareto.c render/overfit_lua.c \
              render/markdown.c render/state.c render/primary.c render/incr.c \
              render/page_fp.c render/row_keep.c
CLI_SRC    := cli/main.c cli/write_cmds.c cli/read_cmds.c
LIB_SRC    := $(CORE_SRC) $(STORE_SRC) $(ANALYSIS_SRC) $(INGEST_SRC) $(RENDER_SRC)
TEST_SRC   := tests/run.c tests/registry.c tests/t_core.c tests/t_store.c tests/t_ingest.c \
              tests/t_ingest_threads.c \
              tests/t_render.c tests/t_cli.c tests/t_svg.c tests/t_trainlogs.c \
              tests/t_trainlogs_traps.c \
              tests/t_codecarbon.c tests/t_i18n.c tests/t_eit.c tests/t_generic.c tests/t_detect.c \
              tests/t_compare.c tests/t_incremental.c \
              tests/t_course.c tests/t_boards.c tests/t_eit_report.c tests/t_env.c tests/t_methods.c \
              tests/t_study.c tests/t_browser.c tests/t_hardening.c tests/t_concurrency.c \
              tests/t_pg.c tests/t_template.c tests/t_runpage.c

OBJ      := $(LIB_SRC:%.c=build/obj/%.o)
ASAN_OBJ := $(LIB_SRC:%.c=build/asan/obj/%.o)
TEST_OBJ := $(TEST_SRC:%.c=build/asan/obj/%.o)

.PHONY: all deps check demo install clean help asan golden bench bench-render
all: build/podium

help:
	@echo "make          build build/podium"
	@echo "make deps     install the Debian packages podium builds with"
	@echo "make check    deps, an ASan+UBSan build, every test, every fuzz seed once"
	@echo "make demo     deps, build, ingest examples/, render _site/"
	@echo "make bench    ingest speed and memory vs sqlite3 .import and psql copy, then bench-render"
	@echo "make bench-render  render 10,000 runs: podium vs Hugo pages/s (docs/PERFORMANCE.md)"
	@echo "make fuzz     libFuzzer on every parser, FUZZ_SECONDS (30) each; fails on a finding"
	@echo "make tsan     ThreadSanitizer build; runs the tests that use threads"
	@echo "make torture  SIGKILL during ingest and render, full disk (TORTURE_KILLS=20), 200 trials of each concurrency test"
	@echo "make install  PREFIX=/usr/local: binary, templates, site assets"
	@echo "make golden   rewrite tests/golden/ (svg/, site/, demo/) from the current code"
	@echo "make clean    remove build/, examples.db and _site/"

# Installs only what is missing, so a machine without network still
# builds once the packages are there.
deps:
	@missing=""; for p in $(DEPS_DEB); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	for c in $(DEPS_CMD); do command -v $${c%%:*} >/dev/null 2>&1 || \
	  missing="$$missing $${c#*:}"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi
	@if [ ! -f node_modules/.package-lock.json ] || \
	    [ package-lock.json -nt node_modules/.package-lock.json ]; then \
	  echo "npm ci (playwright-core, axe-core, vnu-jar for the browser tests)"; \
	  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --ignore-scripts --no-audit --no-fund --silent; \
	fi

build/podium: $(OBJ) $(CLI_SRC:%.c=build/obj/%.o)
	$(Q)echo "LINK $@"
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(PKG_LIBS)

build/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(Q)echo "CC   $<"
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

# The sanitizer build: the binary the CLI tests run, and the test runner.
asan: build/asan/podium build/asan/run-tests

build/asan/podium: $(ASAN_OBJ) $(CLI_SRC:%.c=build/asan/obj/%.o)
	$(Q)echo "LINK $@"
	$(Q)$(CC) $(SAN) -g -o $@ $^ $(PKG_LIBS)

build/asan/run-tests: $(ASAN_OBJ) $(TEST_OBJ)
	$(Q)echo "LINK $@"
	$(Q)$(CC) $(SAN) -g -o $@ $^ $(PKG_LIBS)

build/asan/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(Q)echo "CC   $< (asan)"
	$(Q)$(CC) $(CSTD) $(WARN) -O1 -g $(SAN) -I. $(PKG_CFLAGS) -MMD -MP \
	  -c -o $@ $<

# The fuzz seeds replay first: the test runner's summary stays the last line.
check: deps
	$(Q)$(MAKE) --no-print-directory asan
	$(Q)$(MAKE) --no-print-directory fuzz-replay
	$(Q)ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  PODIUM_BIN=build/asan/podium build/asan/run-tests

# The only way goldens change: review `git diff tests/golden` afterwards.
golden: deps
	$(Q)$(MAKE) --no-print-directory asan
	$(Q)PODIUM_GOLDEN=1 PODIUM_BIN=build/asan/podium \
	  build/asan/run-tests --match svg_
	$(Q)PODIUM_GOLDEN=1 PODIUM_BIN=build/asan/podium \
	  build/asan/run-tests --match render_demo_pages
	$(Q)PODIUM_GOLDEN=1 PODIUM_BIN=build/asan/podium \
	  build/asan/run-tests --match template_demo_site

demo: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)rm -f examples.db examples.db-wal examples.db-shm
	$(Q)sh examples/ingest.sh build/podium examples.db
	$(Q)build/podium --db examples.db render --out _site --content examples/content
	@echo
	@echo "Open file://$(CURDIR)/_site/index.html"

# Not part of check: it takes a minute and its figures depend on the machine.
bench: deps
	$(Q)if [ ! -x /usr/bin/time ]; then \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq time; fi
	$(Q)$(MAKE) --no-print-directory all build/gen_codecarbon build/gen_trainlogs
	$(Q)sh bench/ingest.sh build/podium build/gen_codecarbon build/gen_trainlogs
	$(Q)sh bench/ingest_pg.sh build/podium build/gen_codecarbon
	$(Q)$(MAKE) --no-print-directory bench-render

# A render after one new run against a full one (bench/incremental.sh)
# on the disk, first, its sites kept until the end: on this machine's
# ext4 a full render after a bench removed its files took 4-12 s for
# minutes, against 2.4 s; podium render of 10,000 runs against Hugo
# building the same pages; the first again on tmpfs, where full renders
# are steady and 20% cheaper (the stricter ratio).
bench-render: deps
	$(Q)missing=""; [ -x /usr/bin/time ] || missing="time"; \
	command -v hugo >/dev/null 2>&1 || missing="$$missing hugo"; \
	if [ -n "$$missing" ]; then \
	  echo "installing: $$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; fi
	$(Q)$(MAKE) --no-print-directory all build/gen_codecarbon
	$(Q)rm -rf /tmp/podium-bench-incremental && mkdir /tmp/podium-bench-incremental
	$(Q)KEEP=1 sh bench/incremental.sh build/podium 10000 /tmp/podium-bench-incremental build/gen_codecarbon
	$(Q)sh bench/render.sh build/podium 10000 build/gen_codecarbon 100000
	$(Q)rm -rf /tmp/podium-bench-incremental
	$(Q)if [ "$$(df -T /dev/shm 2>/dev/null | awk 'NR==2 {print $$2}')" = tmpfs ] && \
	  [ -w /dev/shm ]; then \
	  SETTLE=0 PAUSE=0 sh bench/incremental.sh build/podium 10000 /dev/shm build/gen_codecarbon; \
	else echo "no writable tmpfs at /dev/shm: the incremental bench ran on the disk only"; fi

build/gen_codecarbon: bench/gen_codecarbon.c core/num.c core/num.h
	$(Q)echo "CC   $<"
	$(Q)$(CC) $(CSTD) $(WARN) -O2 -I. -o $@ bench/gen_codecarbon.c core/num.c -lm

build/gen_trainlogs: bench/gen_trainlogs.c
	$(Q)echo "CC   $<"
	$(Q)$(CC) $(CSTD) $(WARN) -O2 -o $@ $<

# ---- fuzzing (docs/RELIABILITY.md) ------------------------------------
# Every parser on arbitrary bytes under libFuzzer + ASan + UBSan (clang).
# Each fuzz/ target is built twice: with libFuzzer for `make fuzz`, and
# with fuzz/replay.c's main on the gcc ASan objects for `make check`,
# which replays the seeds and fuzz/regressions/<target>/ once.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 30
SHARED_CORPUS ?= ../shared/corpus
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all \
                -fno-omit-frame-pointer
# ingest targets: one format each (the name with - for _), or detection
FUZZ_INGEST  := hf_benchmark codecarbon keras_csvlogger lightning_csv \
                hf_trainer eit eit_report detect
FUZZ_TARGETS := $(FUZZ_INGEST) generic manifest project markdown i18n template \
                num
# seed folders per target (missing ones are skipped)
FUZZ_SEEDS_hf_benchmark    := tests/data/hf-benchmark tests/data/hf-benchmark-oom $(SHARED_CORPUS)/hf-benchmark
FUZZ_SEEDS_codecarbon      := tests/data/codecarbon tests/data/bad-lines $(SHARED_CORPUS)/codecarbon
FUZZ_SEEDS_keras_csvlogger := tests/data/keras-csvlogger $(SHARED_CORPUS)/keras-csvlogger
FUZZ_SEEDS_lightning_csv   := tests/data/lightning-csv $(SHARED_CORPUS)/lightning-csv
FUZZ_SEEDS_hf_trainer      := tests/data/hf-trainer $(SHARED_CORPUS)/hf-trainer
FUZZ_SEEDS_eit             := tests/data/eit $(SHARED_CORPUS)/eit
FUZZ_SEEDS_eit_report      := tests/data/eit $(SHARED_CORPUS)/eit
FUZZ_SEEDS_detect          := tests/data
FUZZ_SEEDS_generic         := fuzz/seeds/generic
FUZZ_SEEDS_manifest        := fuzz/seeds/manifest fuzz/seeds/generic
FUZZ_SEEDS_project         := fuzz/seeds/project
FUZZ_SEEDS_markdown        := fuzz/seeds/markdown examples/content
FUZZ_SEEDS_i18n            := i18n
FUZZ_SEEDS_template        := templates
FUZZ_SEEDS_num             := fuzz/seeds/num
FUZZ_DICT_hf_benchmark     := csv
FUZZ_DICT_codecarbon       := csv
FUZZ_DICT_keras_csvlogger  := csv
FUZZ_DICT_lightning_csv    := csv
FUZZ_DICT_hf_trainer       := json
FUZZ_DICT_eit              := json
FUZZ_DICT_eit_report       := html
FUZZ_DICT_detect           := csv
FUZZ_DICT_generic          := json
FUZZ_DICT_manifest         := json
FUZZ_DICT_project          := json
FUZZ_DICT_markdown         := markdown
FUZZ_DICT_i18n             := json
FUZZ_DICT_template         := template
FUZZ_DICT_num              := num
# source and defines of each target
fuzz_src = $(if $(filter $1,$(FUZZ_INGEST)),fuzz/fuzz_ingest.c,$(if $(filter generic,$1),fuzz/fuzz_manifest.c,fuzz/fuzz_$1.c))
fuzz_def = $(if $(filter $1,$(FUZZ_INGEST)),-DFUZZ_FORMAT='"$(subst _,-,$1)"') \
           $(if $(filter generic,$1),-DFUZZ_GENERIC) -DFUZZ_ROOT='"$(CURDIR)"'
FUZZ_LIB_OBJ  := $(LIB_SRC:%.c=build/fuzz/obj/%.o) build/fuzz/obj/fuzz/common.o
REPLAY_OBJ    := $(ASAN_OBJ) build/asan/obj/fuzz/common.o build/asan/obj/fuzz/replay.o
FUZZ_BINS     := $(FUZZ_TARGETS:%=build/fuzz/fuzz_%)
REPLAY_BINS   := $(FUZZ_TARGETS:%=build/asan/fuzz/fuzz_%)

.PHONY: fuzz fuzz-build fuzz-replay tsan torture

build/fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(Q)echo "CC   $< (fuzz)"
	$(Q)$(FUZZ_CC) $(CSTD) $(WARN) -O1 -g $(FUZZ_SAN) -fsanitize=fuzzer-no-link \
	  -I. $(PKG_CFLAGS) -MMD -MP -c -o $@ $<

define fuzz_rules
build/fuzz/obj/fuzz/t_$1.o: $(call fuzz_src,$1)
	@mkdir -p $$(dir $$@)
	$$(Q)echo "CC   $$< ($1, fuzz)"
	$$(Q)$$(FUZZ_CC) $$(CSTD) $$(WARN) -O1 -g $$(FUZZ_SAN) -fsanitize=fuzzer-no-link \
	  $(call fuzz_def,$1) -I. $$(PKG_CFLAGS) -MMD -MP -c -o $$@ $$<
build/fuzz/fuzz_$1: build/fuzz/obj/fuzz/t_$1.o $$(FUZZ_LIB_OBJ)
	$$(Q)echo "LINK $$@"
	$$(Q)$$(FUZZ_CC) $$(FUZZ_SAN) -fsanitize=fuzzer -g -o $$@ $$^ $$(PKG_LIBS)
build/asan/obj/fuzz/t_$1.o: $(call fuzz_src,$1)
	@mkdir -p $$(dir $$@)
	$$(Q)echo "CC   $$< ($1, replay)"
	$$(Q)$$(CC) $$(CSTD) $$(WARN) -O1 -g $$(SAN) $(call fuzz_def,$1) -I. \
	  $$(PKG_CFLAGS) -MMD -MP -c -o $$@ $$<
build/asan/fuzz/fuzz_$1: build/asan/obj/fuzz/t_$1.o $$(REPLAY_OBJ)
	@mkdir -p $$(dir $$@)
	$$(Q)echo "LINK $$@"
	$$(Q)$$(CC) $$(SAN) -g -o $$@ $$^ $$(PKG_LIBS)
endef
$(foreach t,$(FUZZ_TARGETS),$(eval $(call fuzz_rules,$t)))

# libFuzzer needs clang and its runtime (Debian: clang pulls libclang-rt-dev).
fuzz-build:
	$(Q)command -v $(FUZZ_CC) >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq clang; }
	$(Q)$(MAKE) --no-print-directory $(FUZZ_BINS)

# Each target for FUZZ_SECONDS; nonzero on any crash, leak or timeout.
fuzz: deps fuzz-build
	$(Q)FUZZ_SECONDS=$(FUZZ_SECONDS) sh fuzz/run.sh $(foreach t,$(FUZZ_TARGETS),\
	  "$t|$(FUZZ_DICT_$t)|$(FUZZ_SEEDS_$t) fuzz/regressions/$t")

# Every seed and regression input once, without libFuzzer (part of check).
fuzz-replay: $(REPLAY_BINS)
	$(Q)set -e; $(foreach t,$(FUZZ_TARGETS),\
	  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  build/asan/fuzz/fuzz_$t $(FUZZ_SEEDS_$t) fuzz/regressions/$t;)

# ---- ThreadSanitizer (docs/RELIABILITY.md) ----------------------------
# The tests whose code runs threads: render workers and the output
# writer (render/), the CSV reader thread (ingest/csv.c), and the CLI
# processes of the concurrency tests (a TSan podium binary). TSan and ASan
# do not mix, hence objects of their own.
# Not render_stops_an_endless_loop_in_any_thread: the sandbox stops a
# loop from a CPU-timer signal, and TSan delays a signal until the thread
# calls an intercepted function, which an empty Lua loop never does (it
# hangs); render_stops_an_allocating_loop_in_any_thread (malloc) runs the
# same stop across threads under TSan.
TSAN_FLAGS := -fsanitize=thread -fno-omit-frame-pointer
TSAN_MATCH ?= reader_thread render_with_threads render_thread_failure \
              render_threads_read_one_snapshot concurrent_ read_ahead \
              checkpoints_behind render_stops_an_allocating_loop_in_any_thread \
              kept_tree render_incremental_keeps render_incremental_equals \
              i18n_catalogs_shared grows_the_kept_download takes_kept_rows
TSAN_OBJ   := $(LIB_SRC:%.c=build/tsan/obj/%.o)

build/tsan/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(Q)echo "CC   $< (tsan)"
	$(Q)$(CC) $(CSTD) $(WARN) -O1 -g $(TSAN_FLAGS) -I. $(PKG_CFLAGS) -MMD -MP \
	  -c -o $@ $<

build/tsan/podium: $(TSAN_OBJ) $(CLI_SRC:%.c=build/tsan/obj/%.o)
	$(Q)echo "LINK $@"
	$(Q)$(CC) $(TSAN_FLAGS) -g -o $@ $^ $(PKG_LIBS)

build/tsan/run-tests: $(TSAN_OBJ) $(TEST_SRC:%.c=build/tsan/obj/%.o)
	$(Q)echo "LINK $@"
	$(Q)$(CC) $(TSAN_FLAGS) -g -o $@ $^ $(PKG_LIBS)

# halt_on_error: the first race fails the target; tests/tsan.supp holds
# the suppressions, each with its reason.
tsan: deps
	$(Q)$(MAKE) --no-print-directory build/tsan/podium build/tsan/run-tests
	$(Q)set -e; for m in $(TSAN_MATCH); do \
	  TSAN_OPTIONS="halt_on_error=1 exitcode=66 second_deadlock_stack=1 suppressions=$(CURDIR)/tests/tsan.supp" \
	  PODIUM_BIN=build/tsan/podium build/tsan/run-tests --match $$m; done

# ---- torture (docs/RELIABILITY.md) ------------------------------------
# SIGKILL during a large ingest and during a render, TORTURE_KILLS times
# each, and a full disk: podium check ok, nothing partial, nothing lost.
TORTURE_KILLS ?= 20
TORTURE_LINES ?= 200000
# Then the concurrency tests of make check, TORTURE_TRIALS (200) trials
# each instead of 20, on the sanitized build.
TORTURE_TRIALS ?= 200
TORTURE_MATCH ?= concurrent_ render_threads_read_one_snapshot
torture: deps
	$(Q)$(MAKE) --no-print-directory all asan build/gen_codecarbon
	$(Q)TORTURE_KILLS=$(TORTURE_KILLS) TORTURE_LINES=$(TORTURE_LINES) \
	  sh tests/torture.sh build/podium build/gen_codecarbon
	$(Q)set -e; for m in $(TORTURE_MATCH); do \
	  PODIUM_BIN=build/asan/podium build/asan/run-tests \
	    --trials $(TORTURE_TRIALS) --match $$m; done

install: build/podium
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/podium
	install -m 755 build/podium $(DESTDIR)$(PREFIX)/bin/podium
	cp -R templates site i18n data $(DESTDIR)$(PREFIX)/share/podium/

clean:
	rm -rf build examples.db examples.db-wal examples.db-shm _site

-include $(shell find build -name '*.d' 2>/dev/null)
