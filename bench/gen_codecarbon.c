/*
** bench/gen_codecarbon.c -- writes a deterministic N-row CodeCarbon 2.3+
** emissions.csv (31 columns) to stdout for `make bench`: 300 run_ids over
** 40 projects on 5 machines, each run_id's rows cumulative snapshots
** (growing duration and energy), as flush() writes them.
** With "runs", every line is a run of its own with a new run_id, as
** CodeCarbon's default (one line per tracker stop) fills a lab's shared
** emissions.csv: the layout people have.
** Usage: gen_codecarbon N [snapshots|runs]
*/
#include "core/num.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N_RUNS 300
#define N_PROJECTS 40

static uint64_t state = 0x9e3779b97f4a7c15ULL;

static double rnd(void) {  /* xorshift64*: the same file on every machine */
  state ^= state >> 12;
  state ^= state << 25;
  state ^= state >> 27;
  return (double)((state * 2685821657736338717ULL) >> 11) / 9007199254740992.0;
}

static const struct machine {
  const char *country, *iso, *region, *os, *py, *cpu_model, *gpu_model;
  int cpus, gpus;
  double ram_gb, cpu_w, gpu_w, intensity;  /* kg CO2 per kWh */
} machines[] = {
  {"France", "FRA", "\xC3\xAEle-de-france", "Linux-6.1.0-x86_64-with-glibc2.36",
   "3.11.2", "AMD EPYC 7R13 Processor", "1 x NVIDIA A10G", 16, 1, 62.79, 60, 150, 0.056},
  {"Germany", "DEU", "bavaria", "Linux-5.15.0-x86_64-with-glibc2.35", "3.10.12",
   "Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz", "4 x NVIDIA A100-SXM4-40GB", 64, 4, 503.5, 205, 1200, 0.381},
  {"United States", "USA", "virginia", "Linux-5.10.0-x86_64-with-glibc2.31", "3.9.16",
   "Intel(R) Xeon(R) CPU @ 2.30GHz", "1 x Tesla T4", 8, 1, 31.29486083984375, 42.5, 70, 0.379},
  {"Canada", "CAN", "quebec", "macOS-14.0-arm64-arm-64bit", "3.12.1",
   "Apple M2 Pro", "", 12, 0, 32.0, 15, 0, 0.034},
  {"India", "IND", "maharashtra", "Windows-11-10.0.22631-SP0", "3.11.7",
   "AMD Ryzen 9 7950X 16-Core Processor", "1 x NVIDIA GeForce RTX 4090", 32, 1, 63.2, 120, 350, 0.708},
};

typedef struct run {
  char id[37];
  int project, machine;
  double duration, cpu_e, gpu_e, ram_e;
} run;

int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 100000;
  int per_line = argc > 2 && !strcmp(argv[2], "runs");
  static run runs[N_RUNS];
  for (int i = 0; i < N_RUNS; i++) {
    uint64_t a = (uint64_t)(rnd() * 4294967296.0), b = (uint64_t)(rnd() * 4294967296.0);
    snprintf(runs[i].id, sizeof runs[i].id, "%08llx-%04llx-4%03llx-8%03llx-%012llx",
             (unsigned long long)a, (unsigned long long)(b & 0xffff),
             (unsigned long long)((b >> 16) & 0xfff), (unsigned long long)(a & 0xfff),
             (unsigned long long)(a * 2654435761ULL + b) & 0xffffffffffffULL);
    runs[i].project = i % N_PROJECTS;
    runs[i].machine = i % 5;
  }
  fputs("timestamp,project_name,run_id,duration,emissions,emissions_rate,"
        "cpu_power,gpu_power,ram_power,cpu_energy,gpu_energy,ram_energy,"
        "energy_consumed,country_name,country_iso_code,region,cloud_provider,"
        "cloud_region,os,python_version,codecarbon_version,cpu_count,cpu_model,"
        "gpu_count,gpu_model,longitude,latitude,ram_total_size,tracking_mode,"
        "on_cloud,pue\n", stdout);
  for (long r = 0; r < n; r++) {
    run *u = &runs[(int)(rnd() * N_RUNS)];
    const struct machine *m;
    if (per_line) {  /* a new run: a fresh run_id, from zero */
      uint64_t a = (uint64_t)(rnd() * 4294967296.0), b = (uint64_t)(rnd() * 4294967296.0);
      snprintf(u->id, sizeof u->id, "%08llx-%04llx-4%03llx-8%03llx-%012llx",
               (unsigned long long)a, (unsigned long long)(b & 0xffff),
               (unsigned long long)((b >> 16) & 0xfff), (unsigned long long)(a & 0xfff),
               (unsigned long long)(a * 2654435761ULL + b) & 0xffffffffffffULL);
      u->duration = 60 + rnd() * 3000;
      u->cpu_e = u->gpu_e = u->ram_e = 0;
    }
    m = &machines[u->machine];
    double dt = 15 + rnd() * 30;
    double cpu_w = m->cpu_w * (0.3 + 0.7 * rnd()), gpu_w = m->gpu_w * rnd();
    double ram_w = m->ram_gb * 3 / 8;
    long t = 1717000000 + r * 7;
    double energy;
    char num[32];
    u->duration += dt;
    u->cpu_e += cpu_w * dt / 3.6e6;
    u->gpu_e += gpu_w * dt / 3.6e6;
    u->ram_e += ram_w * dt / 3.6e6;
    energy = u->cpu_e + u->gpu_e + u->ram_e;
    /* numbers as CodeCarbon's pandas writes them: Python's repr */
    printf("2024-%02ld-%02ldT%02ld:%02ld:%02ld,project_%02d,%s",
           (t / 2592000) % 12 + 1, (t / 86400) % 28 + 1, (t / 3600) % 24,
           (t / 60) % 60, t % 60, u->project, u->id);
    double col[] = {u->duration, energy * m->intensity,
                    energy * m->intensity / u->duration, cpu_w, gpu_w, ram_w,
                    u->cpu_e, u->gpu_e, u->ram_e, energy};
    for (size_t c = 0; c < sizeof col / sizeof col[0]; c++)
      printf(",%s", pod_num_repr(col[c], num));
    printf(",%s,%s,%s,,,%s,%s,2.3.4,%d,%s,", m->country, m->iso, m->region,
           m->os, m->py, m->cpus, m->cpu_model);
    if (m->gpus) printf("%d,%s,", m->gpus, m->gpu_model);
    else fputs(",,", stdout);
    printf("%.4f,%.4f,%s,machine,N,1.0\n", 2.35 + u->machine,
           48.85 - u->machine, pod_num_repr(m->ram_gb, num));
  }
  return 0;
}
