package registry

// passes returns the generation pass of every table.
func (s *seeder) passes() []pass {
	lines, lics, vehs, pols, pass_, certs, comp := personaRecords(s.now)
	return []pass{
		{"reg_persons", personCols, func(emit emitFunc) error {
			s.eachHousehold(func(h *household) {
				for i := range h.members {
					p := &h.members[i]
					no, seri, serial, oc, on, book, row := p.certificate()
					emit(p.code, p.first, p.last, p.father, p.gender, p.birth.String(), p.place.Fa,
						no, seri, serial, oc, on, book, row,
						p.death.value(), nz(p.fatherCode), nz(p.motherCode), nz(p.spouseCode), h.postal, h.since.String())
				}
			})
			return nil
		}},
		{"reg_mobiles", mobileCols, func(emit emitFunc) error {
			put := func(m mobileLine) { emit(m.number, m.code, m.operator, m.since.String()) }
			for _, m := range lines {
				put(m)
			}
			s.eachGenerated(func(st *agencyState, p *person, _ *household) { st.mobileLines(p, put) })
			return nil
		}},
		{"reg_addresses", addressCols, func(emit emitFunc) error {
			put := func(a address) {
				emit(a.postal, a.province, a.provinceEn, a.township, a.zone, a.village, a.localityType, a.localityName,
					a.localityCode, a.subLocality, a.street, a.street2, a.houseNumber, a.floor, a.sideFloor, a.buildingName, a.description)
			}
			counties := map[string]*county{}
			for _, c := range s.t.counties {
				counties[c.En] = c
			}
			put(makeAddress(0, -1000, comp.postal, counties["Tehran"], true))
			put(makeAddress(0, -1001, foreignPersona.PostalCode, counties["Mashhad"], true))
			st := newAgencyState(s.opts.Seed, s.now, s.reserved)
			s.eachHousehold(func(h *household) {
				seed := s.opts.Seed
				if h.persona {
					seed = 0
				}
				put(makeAddress(seed, h.index, h.postal, h.county, h.urban))
				if h.persona {
					return
				}
				for i := range h.members {
					if c, ok := st.companyFor(&h.members[i], h); ok {
						put(makeAddress(s.opts.Seed, int64(mix(0, c.legalID)>>1), c.postal, c.county, true))
					}
				}
			})
			return nil
		}},
		{"reg_companies", companyCols, func(emit emitFunc) error {
			put := func(c company) {
				emit(c.legalID, c.name, c.kind, c.regNo, c.registered.String(), c.office, c.city, c.status, c.postal, c.since.String())
			}
			put(comp)
			s.eachGenerated(func(st *agencyState, p *person, h *household) {
				if c, ok := st.companyFor(p, h); ok {
					put(c)
				}
			})
			return nil
		}},
		{"reg_signatories", signatoryCols, func(emit emitFunc) error {
			put := func(c company) {
				for _, sg := range c.signatories {
					emit(c.legalID, sg.code, sg.role, sg.from.String(), sg.to.value())
				}
			}
			put(comp)
			s.eachGenerated(func(st *agencyState, p *person, h *household) {
				if c, ok := st.companyFor(p, h); ok {
					put(c)
				}
			})
			return nil
		}},
		{"reg_licences", licenceCols, func(emit emitFunc) error {
			put := func(l licence) { emit(l.number, l.code, l.class, l.issued.String(), l.expires.String()) }
			for _, l := range lics {
				put(l)
			}
			s.eachGenerated(func(st *agencyState, p *person, _ *household) { st.drivingLicences(p, put) })
			return nil
		}},
		{"reg_vehicles", vehicleCols, func(emit emitFunc) error {
			put := func(v vehicle) { emit(v.plate, v.plateFa, v.vin, v.maker, v.model, v.year, v.colour, v.owner) }
			for _, v := range vehs {
				put(v)
			}
			s.eachGenerated(func(st *agencyState, p *person, h *household) { st.vehicles(p, h, put) })
			return nil
		}},
		{"reg_insurance", policyCols, func(emit emitFunc) error {
			put := func(x policy) { emit(x.number, x.insurer, x.plate, x.code, x.starts.String(), x.ends.String()) }
			for _, x := range pols {
				put(x)
			}
			s.eachGenerated(func(st *agencyState, p *person, h *household) {
				st.vehicles(p, h, func(v vehicle) { st.insurance(v, p, put) })
			})
			return nil
		}},
		{"reg_passports", passportCols, func(emit emitFunc) error {
			put := func(x passport) { emit(x.number, x.code, x.issued.String(), x.expires.String()) }
			for _, x := range pass_ {
				put(x)
			}
			s.eachGenerated(func(st *agencyState, p *person, _ *household) { st.passports(p, put) })
			return nil
		}},
		{"reg_education", certCols, func(emit emitFunc) error {
			put := func(c certificate) { emit(c.number, c.code, c.level, c.field, c.institution, c.graduated.String()) }
			for _, c := range certs {
				put(c)
			}
			s.eachGenerated(func(st *agencyState, p *person, h *household) { st.education(p, h, put) })
			return nil
		}},
		{"reg_foreigners", foreignerCols, func(emit emitFunc) error {
			put := func(f foreigner) {
				emit(f.fida, f.nationality, f.first, f.last, f.firstEn, f.lastEn, f.father, f.gender, f.birth.String(),
					f.permitNo, f.permitExpires.String(), nz(f.postal))
			}
			fp := foreignPersona
			birth := jalaliDay(1368, 3, 1)
			put(foreigner{fp.FIDA, "افغانستان", fp.FirstName, fp.LastName, "Ahmad", "Haidari", fp.FatherName, male, birth,
				"R9000001", s.now + 200, fp.PostalCode})
			foreigners(s.opts.Seed, s.now, s.foreignerCount(), s.reserved, put)
			return nil
		}},
	}
}
