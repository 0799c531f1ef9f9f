from anpr_console.adapters.tables import metadata
from anpr_runtime.migrations import run_env

run_env(metadata)
