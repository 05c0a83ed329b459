package credential

import (
	"maps"
	"slices"
)

// Term is one entry of a controlled list: the code stored and sent over
// the wire, and the name people read.
type Term struct {
	Code string
	Name string
}

// Professions are the professions a profile may name.
var Professions = []Term{
	{"physician", "Physician"},
	{"trainee", "Physician in training"},
	{"student", "Medical student"},
	{"nurse", "Nurse"},
	{"technologist", "Technologist"},
	{"referring_clinician", "Referring clinician"},
	{"researcher", "Researcher"},
	{"other", "Other"},
}

// Stages are the training stages, in order.
var Stages = []Term{
	{"student", "Student"},
	{"intern", "Intern"},
	{"resident", "Resident"},
	{"fellow", "Fellow"},
	{"attending", "Attending"},
	{"emeritus", "Emeritus"},
}

// radiology are radiology's subspecialties, after the subspecialty
// sections of the ABR core exam and the RANZCR body-systems syllabus.
var radiology = []Term{
	{"neuroradiology", "Neuroradiology"},
	{"musculoskeletal", "Musculoskeletal"},
	{"breast", "Breast"},
	{"body", "Body/abdominal"},
	{"thoracic", "Thoracic"},
	{"cardiac", "Cardiac"},
	{"pediatric", "Pediatric"},
	{"interventional", "Interventional"},
	{"nuclear_medicine", "Nuclear medicine"},
	{"emergency", "Emergency"},
	{"genitourinary", "Genitourinary"},
	{"head_and_neck", "Head and neck"},
}

// Specialty is a specialty and the subspecialties a profile may name
// under it.
type Specialty struct {
	Term
	Subspecialties []Term
}

// Vocabulary is the controlled list of specialties and their
// subspecialties that profiles are checked against. Build one with
// DefaultVocabulary and grow it with Extend; it is read-only once handed
// to a Service.
type Vocabulary struct {
	specialties map[string]*Specialty
}

// DefaultVocabulary returns the specialties Rounds knows, radiology with
// its subspecialties; the others have none yet and are grown with Extend.
func DefaultVocabulary() *Vocabulary {
	v := &Vocabulary{specialties: map[string]*Specialty{}}
	for _, t := range []Term{
		{"anesthesiology", "Anesthesiology"},
		{"cardiology", "Cardiology"},
		{"dermatology", "Dermatology"},
		{"emergency_medicine", "Emergency medicine"},
		{"family_medicine", "Family medicine"},
		{"general_surgery", "General surgery"},
		{"internal_medicine", "Internal medicine"},
		{"neurology", "Neurology"},
		{"neurosurgery", "Neurosurgery"},
		{"nuclear_medicine", "Nuclear medicine"},
		{"obstetrics_gynecology", "Obstetrics and gynecology"},
		{"oncology", "Oncology"},
		{"ophthalmology", "Ophthalmology"},
		{"orthopaedic_surgery", "Orthopaedic surgery"},
		{"otolaryngology", "Otolaryngology"},
		{"pathology", "Pathology"},
		{"pediatrics", "Pediatrics"},
		{"physical_medicine", "Physical medicine and rehabilitation"},
		{"psychiatry", "Psychiatry"},
		{"radiation_oncology", "Radiation oncology"},
		{"radiology", "Radiology"},
		{"urology", "Urology"},
		{"other", "Other"},
	} {
		v.specialties[t.Code] = &Specialty{Term: t}
	}
	v.Extend("radiology", "Radiology", radiology...)
	return v
}

// Extend adds subspecialties to a specialty, adding the specialty (named
// name) when it is new. Terms already listed keep their first name.
func (v *Vocabulary) Extend(code, name string, subs ...Term) {
	s, ok := v.specialties[code]
	if !ok {
		s = &Specialty{Term: Term{code, name}}
		v.specialties[code] = s
	}
	for _, t := range subs {
		if !slices.ContainsFunc(s.Subspecialties, func(x Term) bool { return x.Code == t.Code }) {
			s.Subspecialties = append(s.Subspecialties, t)
		}
	}
}

// Specialty returns the specialty with that code.
func (v *Vocabulary) Specialty(code string) (*Specialty, bool) {
	s, ok := v.specialties[code]
	return s, ok
}

// Specialties returns every specialty, by name.
func (v *Vocabulary) Specialties() []Specialty {
	out := make([]Specialty, 0, len(v.specialties))
	for _, k := range slices.Sorted(maps.Keys(v.specialties)) {
		out = append(out, *v.specialties[k])
	}
	slices.SortFunc(out, func(a, b Specialty) int {
		switch {
		case a.Code == "other":
			return 1
		case b.Code == "other":
			return -1
		case a.Name < b.Name:
			return -1
		case a.Name > b.Name:
			return 1
		}
		return 0
	})
	return out
}

// Subspecialty returns the subspecialty with that code under a specialty.
func (v *Vocabulary) Subspecialty(specialty, code string) (Term, bool) {
	s, ok := v.specialties[specialty]
	if !ok {
		return Term{}, false
	}
	i := slices.IndexFunc(s.Subspecialties, func(t Term) bool { return t.Code == code })
	if i < 0 {
		return Term{}, false
	}
	return s.Subspecialties[i], true
}

// nameOf returns the name of code in terms, or code itself when unknown
// (a remote instance may know terms this one does not).
func nameOf(terms []Term, code string) string {
	if i := slices.IndexFunc(terms, func(t Term) bool { return t.Code == code }); i >= 0 {
		return terms[i].Name
	}
	return code
}

// known reports whether code is among terms.
func known(terms []Term, code string) bool {
	return slices.ContainsFunc(terms, func(t Term) bool { return t.Code == code })
}
