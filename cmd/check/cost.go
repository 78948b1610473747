package main

import (
	"fmt"
	"io"
	"os"

	"github.com/multiregion/multiregion/config"
	"github.com/multiregion/multiregion/cost"
	"github.com/multiregion/multiregion/harness"
)

// printCost prints each environment's estimated monthly cost, per stack and
// with its top cost drivers, from the offline plans, and writes the
// estimates as JSON to jsonPath. Without plans (-quick) it says so.
func printCost(w io.Writer, results []harness.Result, envs []*config.Environment, jsonPath string) error {
	fmt.Fprintln(w)
	prices, err := cost.LoadPrices()
	if err != nil {
		return err
	}
	estimates, err := cost.FromResults(results, envs, prices)
	if err != nil {
		fmt.Fprintln(w, "cost estimate: none:", err)
		return nil
	}
	cost.WriteSummary(w, estimates, 5)
	f, err := os.Create(jsonPath)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := cost.WriteJSON(f, estimates); err != nil {
		return err
	}
	fmt.Fprintf(w, "bill of materials: %s (one environment: go run ./cmd/cost -env <env>)\n", jsonPath)
	return nil
}
