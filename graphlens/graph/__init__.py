"""The graph IR: variables, applies, ops, types and the FunctionGraph. Imports nothing of the rest."""
