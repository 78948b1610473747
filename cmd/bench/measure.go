package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// sample is one measured run.
type sample struct {
	wall, cpu time.Duration
	treeRSS   int64   // peak of the summed RSS of the process and all its descendants, bytes (sampled every 20 ms)
	maxRSS    int64   // peak RSS of the largest single process (getrusage), bytes
	load      float64 // 1-minute load average when the run started
}

// series is one measure: several runs of the same thing.
type series struct {
	name      string
	samples   []sample
	resources int    // Terraform resources + data sources written, for synth measures
	note      string // shown beside the numbers
	memory    bool   // peak memory is meaningful (a synth)
}

// run executes cmd once and measures it. A non-zero exit is an error that
// names the run and carries the end of its output.
func run(what string, cmd *exec.Cmd) (sample, error) {
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	s := sample{load: load1()}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return s, fmt.Errorf("%s: %v", what, err)
	}
	stop := make(chan struct{})
	peak := make(chan int64)
	go func() { peak <- sampleTree(cmd.Process.Pid, stop) }()
	err := cmd.Wait()
	s.wall = time.Since(start)
	close(stop)
	s.treeRSS = <-peak
	if st := cmd.ProcessState; st != nil {
		s.cpu = st.UserTime() + st.SystemTime()
		if ru, ok := st.SysUsage().(*syscall.Rusage); ok {
			s.maxRSS = ru.Maxrss * 1024
		}
	}
	if err != nil {
		return s, fmt.Errorf("%s: %v\n%s", what, err, tail(out.String(), 25))
	}
	return s, nil
}

// tail returns the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return "    " + strings.Join(lines, "\n    ")
}

// sampleTree returns the peak summed RSS of root and its descendants,
// sampling every 20 ms until stop is closed.
func sampleTree(root int, stop <-chan struct{}) int64 {
	var peak int64
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		if v := treeRSS(root); v > peak {
			peak = v
		}
		select {
		case <-stop:
			return peak
		case <-tick.C:
		}
	}
}

var pageSize = int64(os.Getpagesize())

// treeRSS sums the resident set of root and every process below it.
func treeRSS(root int) int64 {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0
	}
	parent := map[int]int{}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold spaces and parentheses.
		i := bytes.LastIndexByte(stat, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(string(stat[i+1:]))
		if len(f) < 2 {
			continue
		}
		parent[pid], _ = strconv.Atoi(f[1])
	}
	var sum int64
	for pid := range parent {
		for p, hops := pid, 0; p > 1 && hops < 64; p, hops = parent[p], hops+1 {
			if p == root {
				sum += rss(pid)
				break
			}
		}
	}
	return sum
}

// rss is a process's resident set in bytes (statm's second field).
func rss(pid int) int64 {
	data, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "statm"))
	if err != nil {
		return 0
	}
	f := strings.Fields(string(data))
	if len(f) < 2 {
		return 0
	}
	pages, _ := strconv.ParseInt(f[1], 10, 64)
	return pages * pageSize
}

// stats of a series: min and median of wall and CPU, max of the memory
// peaks and of the load.
type stats struct {
	minWall, medWall, minCPU, medCPU time.Duration
	treeRSS, maxRSS                  int64
	minLoad, maxLoad                 float64
}

func (s *series) stats() stats {
	var st stats
	walls, cpus := make([]time.Duration, len(s.samples)), make([]time.Duration, len(s.samples))
	st.minLoad = 1e9
	for i, x := range s.samples {
		walls[i], cpus[i] = x.wall, x.cpu
		st.treeRSS = max(st.treeRSS, x.treeRSS)
		st.maxRSS = max(st.maxRSS, x.maxRSS)
		st.minLoad, st.maxLoad = min(st.minLoad, x.load), max(st.maxLoad, x.load)
	}
	st.minWall, st.medWall = minMedian(walls)
	st.minCPU, st.medCPU = minMedian(cpus)
	return st
}

func minMedian(d []time.Duration) (time.Duration, time.Duration) {
	if len(d) == 0 {
		return 0, 0
	}
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	m := s[len(s)/2]
	if len(s)%2 == 0 {
		m = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return s[0], m
}

// fit is a least-squares line through (resources, seconds).
type fit struct {
	fixed, perResource float64 // seconds, seconds per resource
	r2                 float64
}

func fitLine(xs, ys []float64) fit {
	n := float64(len(xs))
	var sx, sy, sxx, sxy float64
	for i := range xs {
		sx += xs[i]
		sy += ys[i]
		sxx += xs[i] * xs[i]
		sxy += xs[i] * ys[i]
	}
	den := n*sxx - sx*sx
	if den == 0 {
		return fit{}
	}
	b := (n*sxy - sx*sy) / den
	a := (sy - b*sx) / n
	var ssRes, ssTot float64
	mean := sy / n
	for i := range xs {
		e := ys[i] - (a + b*xs[i])
		ssRes += e * e
		ssTot += (ys[i] - mean) * (ys[i] - mean)
	}
	r2 := 1.0
	if ssTot > 0 {
		r2 = 1 - ssRes/ssTot
	}
	return fit{fixed: a, perResource: b, r2: r2}
}
