/*
** analysis/metrics.c -- which metrics are results. Every column a tool
** writes becomes a metric, but a lab ranks and compares few of them:
** quality (accuracy, F1, loss), time, memory, energy, emissions and
** duration. Instrument readings (power, utilization, RAM in use) and
** training diagnostics (learning rate, gradient norm, throughput, the
** runtime of an evaluation pass) stay on run pages and in downloads.
*/
#include "analysis/analysis.h"

#include <string.h>

static int ends_with(const char *s, const char *tail) {
  size_t n = strlen(s), k = strlen(tail);
  return n >= k && !strcmp(s + n - k, tail);
}

/* Instrument readings and diagnostics, by name. */
static int diagnostic(const char *metric) {
  static const char *const names[] = {
    "cpu_power", "gpu_power", "ram_power", "emissions_rate", "ram_used",
    "cpu_utilization", "gpu_utilization", "ram_utilization",
    "cpu_energy", "gpu_energy", "ram_energy", "water_consumed",
    "learning_rate", "grad_norm", "total_flos", "epoch", "step", NULL};
  for (int i = 0; names[i]; i++)
    if (!strcmp(metric, names[i])) return 1;
  return !strncmp(metric, "learning_rate/", 14) ||   /* a param group's */
         strstr(metric, "per_second") || strstr(metric, "utilization") ||
         ends_with(metric, "_rate") ||
         (ends_with(metric, "runtime") && strcmp(metric, "train_runtime"));
}

int analysis_is_result(const pod_project *project, const char *metric,
                       const char *unit, int direction) {
  if (pod_project_has_board(project, metric)) return 1;
  if (diagnostic(metric)) return 0;
  if (!strcmp(unit, "W") || !strcmp(unit, "1/s") || !strcmp(unit, "%") ||
      !strcmp(unit, "FLOP"))
    return 0;
  if (!*unit && direction == 0) return 0;   /* unitless, no better side */
  return 1;
}

int analysis_metric_rank(const char *metric, const char *unit, int direction) {
  if (analysis_is_quality(metric, unit, direction))
    return strstr(metric, "loss") ? 1 : 0;   /* accuracy-like, then loss */
  if (!strcmp(metric, "duration") || !strcmp(metric, "train_runtime"))
    return 7;
  if (!strcmp(unit, "s")) return 2;
  if (!strcmp(unit, "B")) return 3;
  if (!strcmp(unit, "kWh")) return 4;
  if (!strcmp(unit, "kg")) return 5;
  return 8;
}
