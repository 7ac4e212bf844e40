package nbusim

// PolicySummary is the attributes object of GET /config/policies/ items
// (the list view; the policy name is the item id).
type PolicySummary struct {
	Name               string `json:"-"`
	PolicyType         string `json:"-"`
	DataClassification string `json:"dataClassification"`
	Storage            string `json:"storage"`
	VolumePool         string `json:"volumePool"`
	JobLimit           int64  `json:"jobLimit"`
	Priority           int64  `json:"priority"`
	Active             bool   `json:"active"`
	EffectiveDateUTC   string `json:"effectiveDateUTC"`
	ClientCompress     bool   `json:"clientCompress"`
	BlockIncremental   bool   `json:"blockIncremental"`
	UseAccelerator     bool   `json:"useAccelerator"`
}

// policySummaries derives the policy list from the policies jobs run.
func (d *dataset) policySummaries(effective string) []PolicySummary {
	var out []PolicySummary
	for i, p := range append(append([]policyDef(nil), d.policies...), d.catalogPolicy) {
		stor := p.stu
		if p.slp != "" {
			stor = p.slp
		}
		out = append(out, PolicySummary{
			Name: p.name, PolicyType: p.ptype, Storage: stor, VolumePool: "NetBackup",
			JobLimit: 2147483647, Priority: 0, Active: i%7 != 6, EffectiveDateUTC: effective,
			UseAccelerator: p.ptype == "VMWARE" || p.ptype == "STANDARD",
		})
	}
	return out
}

func (d *dataset) policyList(effective string) *resourceList {
	l := newResourceList("/config/policies", "policy", offsetPaging, 10, 500)
	for _, p := range d.policySummaries(effective) {
		l.add("policy", p.Name, p, nil)
	}
	return l
}

// PoliciesData returns the policy summaries served by /config/policies/.
func (s *Simulator) PoliciesData() []PolicySummary {
	return s.data.policySummaries(isoMs(s.cfg.Start.AddDate(-1, 0, 0)))
}
