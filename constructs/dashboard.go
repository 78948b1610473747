package constructs

import (
	cdk "github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatchdashboard"
)

// DashboardSection is a titled row of widgets, one per watch.
type DashboardSection struct {
	Title   string
	Watches []Watch
}

// DashboardProps configures a CloudWatch dashboard.
type DashboardProps struct {
	// Name of the dashboard (unique per account), e.g. acme-prod-use1.
	Name string
	// Region the widgets read from unless a watch names another.
	Region   string
	Sections []DashboardSection
}

// Dashboard is a CloudWatch dashboard rendered from the monitoring table:
// each widget shows a watch's metrics as its alarm reads them, with the
// alarm threshold as a line.
type Dashboard struct {
	cdk.Construct
	Name string
}

// Widget geometry: three metric widgets per 24-unit row.
const (
	widgetWidth  = 8
	widgetHeight = 6
	gridWidth    = 24
)

type widget struct {
	Type       string         `json:"type"`
	X          int            `json:"x"`
	Y          int            `json:"y"`
	Width      int            `json:"width"`
	Height     int            `json:"height"`
	Properties map[string]any `json:"properties"`
}

// NewDashboard creates the dashboard.
func NewDashboard(scope cdk.Construct, id string, p *DashboardProps) *Dashboard {
	for _, s := range p.Sections {
		checkWatches(s.Watches)
	}
	c := cdk.NewConstruct(scope, str(id))
	cloudwatchdashboard.NewCloudwatchDashboard(c, str("dashboard"), &cloudwatchdashboard.CloudwatchDashboardConfig{
		DashboardName: str(p.Name),
		DashboardBody: str(DashboardBody(p.Region, p.Sections)),
	})
	return &Dashboard{Construct: c, Name: p.Name}
}

// DashboardBody renders the dashboard JSON (dimension values stay
// Terraform references, resolved inside the string).
func DashboardBody(region string, sections []DashboardSection) string {
	var widgets []widget
	y := 0
	for _, s := range sections {
		if len(s.Watches) == 0 {
			continue
		}
		widgets = append(widgets, widget{Type: "text", X: 0, Y: y, Width: gridWidth, Height: 1,
			Properties: map[string]any{"markdown": "## " + s.Title}})
		y++
		for i, w := range s.Watches {
			x := (i * widgetWidth) % gridWidth
			if i > 0 && x == 0 {
				y += widgetHeight
			}
			widgets = append(widgets, widget{Type: "metric", X: x, Y: y, Width: widgetWidth, Height: widgetHeight,
				Properties: widgetProperties(region, w)})
		}
		y += widgetHeight
	}
	return jsonText(map[string]any{"widgets": widgets})
}

func widgetProperties(region string, w Watch) map[string]any {
	row := table[w.Kind]
	if w.Region != "" {
		region = w.Region
	}
	var metrics [][]any
	for _, q := range w.queries() {
		opts := map[string]any{"id": q.id, "label": q.label}
		if q.expression != "" {
			opts["expression"] = q.expression
			metrics = append(metrics, []any{opts})
			continue
		}
		opts["stat"], opts["period"] = q.stat, q.period
		if !q.returnData {
			opts["visible"] = false
		}
		m := []any{q.namespace, q.metric}
		for _, d := range q.dims {
			m = append(m, *d[0], *d[1])
		}
		metrics = append(metrics, append(m, opts))
	}
	props := map[string]any{
		"title":   w.title(),
		"region":  region,
		"view":    "timeSeries",
		"stacked": false,
		"metrics": metrics,
	}
	if w.Alarm != nil {
		props["period"] = w.Alarm.PeriodSeconds
		props["annotations"] = map[string]any{"horizontal": []any{map[string]any{
			"label": "alarm", "value": w.threshold(),
		}}}
	} else {
		props["period"] = row.period
	}
	return props
}
